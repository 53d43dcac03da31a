// Errors at the demo webmail's HTTP edge: a status and a stable code, sent as JSON.

export type WebmailErrorCode =
  | 'malformed'
  | 'invalid_argument'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_large'
  | 'unsupported_media_type';

export class WebmailError extends Error {
  readonly status: number;
  readonly code: WebmailErrorCode;
  constructor(status: number, code: WebmailErrorCode, message: string) {
    super(message);
    this.name = 'WebmailError';
    this.status = status;
    this.code = code;
  }
}
