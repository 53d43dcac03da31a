// Starts an extension page or frame: its language (the locale the browser chose for the
// extension, so screen readers pronounce it right), its title, and the Preact app.

import { type ComponentChild, render } from 'preact';
import { t } from '../platform/browser.ts';

export function mount(app: ComponentChild, titleKey?: string): void {
  document.documentElement.lang = t('htmlLang');
  if (titleKey) document.title = t(titleKey);
  const root = document.getElementById('app');
  if (root) render(app, root);
}
