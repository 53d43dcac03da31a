import { render } from 'preact';
import '../../ui/page.css';
import './inbox.css';
import { t } from '../../platform/browser.ts';
import { App } from './App.tsx';

document.title = t('inboxTitle');
const root = document.getElementById('app');
if (root) render(<App />, root);
