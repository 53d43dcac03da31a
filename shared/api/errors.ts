// The one error shape of the API (docs/api.md, Conventions): { "error": { "code", "message" } } with a 4xx
// status. The typed client turns it into ApiClientError.

import { z } from 'zod';

export const ErrorBody = z.object({
  error: z.object({ code: z.string().min(1).max(100), message: z.string().max(1000) }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A failed API call: the HTTP status and the server's stable error code. */
export class ApiClientError extends Error {
  readonly status: number;
  readonly code: string;
  /** Response headers that matter to the caller (Retry-After, ETag). */
  readonly retryAfterSeconds: number | undefined;
  readonly etag: string | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    extra: { retryAfterSeconds?: number; etag?: string } = {},
  ) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.etag = extra.etag;
  }
}

export function isApiClientError(e: unknown, code?: string): e is ApiClientError {
  return e instanceof ApiClientError && (code === undefined || e.code === code);
}
