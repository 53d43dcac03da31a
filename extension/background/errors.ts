// Errors the background answers pages with. Stable codes; messages never carry secrets.

export type ExtensionErrorCode =
  | 'forbidden' // sender is not one of our own extension pages
  | 'unknown_command'
  | 'bad_request' // the message failed its schema
  | 'no_account'
  | 'account_exists'
  | 'locked' // needs an unlocked vault
  | 'locked_out' // too many wrong passphrases
  | 'bad_passphrase'
  | 'server' // the Worker refused or could not be reached
  | 'not_found'
  | 'invalid_key'
  | 'busy'
  | 'transparency_failed' // an answer's transparency proof failed: the key is not used
  | 'transparency_alarm' // the log showed two histories (docs/spec/transparency-v1.md §9.1)
  | 'last_sign_in_address' // the server keeps the account's last sign-in address (docs/api.md, release)
  // Sending from the inbox page (docs/api.md, relay errors; background/inbox/relay-failure.ts):
  | 'unencrypted_not_confirmed' // a recipient without a key was not confirmed for plaintext
  | 'send_limit' // 429: the account's or the mail service's sending limit; `until` says when
  | 'sender_refused' // 403: not an address this account may send from
  | 'message_too_large' // 413
  | 'recipient_refused' // the mail service refuses this recipient
  | 'message_refused' // the mail service refuses the message's form
  | 'relay_unavailable'; // 502/503: the mail service failed or sending is not set up

export class ExtensionError extends Error {
  readonly code: ExtensionErrorCode;
  readonly until: number | undefined;
  readonly attemptsLeft: number | undefined;
  constructor(
    code: ExtensionErrorCode,
    message: string,
    extra: { until?: number; attemptsLeft?: number } = {},
  ) {
    super(message);
    this.name = 'ExtensionError';
    this.code = code;
    this.until = extra.until;
    this.attemptsLeft = extra.attemptsLeft;
  }
}
