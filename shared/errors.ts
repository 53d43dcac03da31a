// Named errors with a stable code. Messages never carry secrets.

export type ErrorCode =
  | 'malformed' // input cannot be parsed
  | 'not_for_me' // no key of ours can open it
  | 'tampered' // authentication or integrity failed
  | 'no_integrity' // OpenPGP data without MDC/AEAD
  | 'bad_passphrase'
  | 'key_unusable' // weak, expired, revoked or missing capability
  | 'secret_key_material'
  | 'unsupported'
  | 'duplicate'
  | 'not_found'
  | 'invalid_argument'
  | 'too_large'; // a reading limit was reached (docs/limits.md): too big, too many parts, too long

export class NoiseError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoiseError';
    this.code = code;
  }
}

export function isNoiseError(e: unknown, code?: ErrorCode): e is NoiseError {
  return e instanceof NoiseError && (code === undefined || e.code === code);
}
