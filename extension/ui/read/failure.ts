// Why a message could not be shown, in the user's words: the read overlay and the inbox page
// name the same failures the same way.

import { t } from '../../platform/browser.ts';

/** Failure codes with a message of their own in _locales; others show the background's text. */
export const FAILURE_TEXT: Record<string, string> = {
  tampered: 'readFailTampered',
  no_integrity: 'readFailNoIntegrity',
  not_for_me: 'readFailNotForMe',
  duplicate: 'readFailDuplicate',
  key_unusable: 'readFailKeyUnusable',
  malformed: 'readFailMalformed',
  secret_key_material: 'readFailSecretKey',
  too_large: 'readFailTooLarge',
  internal: 'readFailInternal',
};

export function failureText(code: string, fallback: string): string {
  const key = FAILURE_TEXT[code];
  return key ? t(key) : fallback;
}
