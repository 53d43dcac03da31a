// What a failed call says to the user, in their language: the background's stable error codes
// (background/errors.ts, shared/errors.ts) have texts in _locales; a code without one (new, or
// from the server) shows the background's own English message.

import { t } from '../platform/browser.ts';

/** Codes with an `error_<code>` text in every locale (the locales test checks them). */
export const ERROR_CODES = [
  'forbidden',
  'bad_request',
  'no_account',
  'account_exists',
  'locked',
  'locked_out',
  'bad_passphrase',
  'not_found',
  'invalid_key',
  'busy',
  'no_answer',
  'internal',
  'insert_failed',
  'key_unusable',
  'invalid_argument',
  'too_large',
  'malformed',
  'secret_key_material',
  'last_sign_in_address',
  'unencrypted_not_confirmed',
  'send_limit',
  'sender_refused',
  'message_too_large',
  'recipient_refused',
  'message_refused',
  'relay_unavailable',
] as const;

const KNOWN = new Set<string>(ERROR_CODES);

export function failureText(code: string, message: string): string {
  return KNOWN.has(code) ? t(`error_${code}`) : message;
}

/** failureText for anything a call threw (CommandError carries its code). */
export function errorText(e: unknown): string {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
  return failureText(code, e instanceof Error ? e.message : String(e));
}
