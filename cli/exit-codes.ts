// Exit codes of the `noise` CLI. Scripts branch on them, so they are stable: add, never renumber.

import { isApiClientError } from '../shared/api/errors.ts';
import { isNoiseError } from '../shared/errors.ts';

export const EXIT = {
  ok: 0,
  /** Bad command line: unknown command or option, missing argument. */
  usage: 1,
  /** The input (message, key file, signature) cannot be parsed. */
  malformed: 2,
  /** No key we hold can open the message. */
  notForMe: 3,
  /** Authentication or integrity failed, or OpenPGP data without integrity protection. */
  tampered: 4,
  badPassphrase: 5,
  /** A key, file or directory entry does not exist. */
  notFound: 6,
  /** A key is weak, expired, revoked or lacks the needed capability. */
  keyUnusable: 7,
  /** verify: no valid signature. */
  badSignature: 8,
  /** The directory could not be reached or answered with an error. */
  directory: 9,
  unsupported: 10,
  /** The envelope was opened before (replay). */
  duplicate: 11,
  /** A reading limit was reached: too large, too many parts, too long (docs/limits.md). */
  tooLarge: 12,
  /** verify: a valid signature, but not by the sender (--from, or the mail's From). */
  signerMismatch: 13,
  /** A bug: reported without a stack trace, with this code. */
  internal: 70,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** An expected failure with its exit code and a one-line message. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

const BY_NOISE_CODE: Record<string, number> = {
  malformed: EXIT.malformed,
  not_for_me: EXIT.notForMe,
  tampered: EXIT.tampered,
  no_integrity: EXIT.tampered,
  bad_passphrase: EXIT.badPassphrase,
  key_unusable: EXIT.keyUnusable,
  secret_key_material: EXIT.malformed,
  unsupported: EXIT.unsupported,
  duplicate: EXIT.duplicate,
  not_found: EXIT.notFound,
  invalid_argument: EXIT.usage,
  too_large: EXIT.tooLarge,
};

/** Maps any thrown value to an exit code and a single line for stderr (never a stack trace). */
export function describeFailure(e: unknown): { code: number; line: string } {
  if (e instanceof UsageError) return { code: EXIT.usage, line: `usage: ${e.message}` };
  if (e instanceof CliError) return { code: e.exitCode, line: e.message };
  if (isNoiseError(e))
    return { code: BY_NOISE_CODE[e.code] ?? EXIT.internal, line: `${e.code}: ${e.message}` };
  if (isApiClientError(e)) {
    return {
      code: e.status === 404 ? EXIT.notFound : EXIT.directory,
      line: `directory: ${e.code}: ${e.message}`,
    };
  }
  const err = e as { code?: unknown; message?: unknown };
  if (err && err.code === 'ENOENT') return { code: EXIT.notFound, line: `not found: ${String(err.message)}` };
  if (err && err.code === 'EEXIST')
    return { code: EXIT.usage, line: `will not overwrite: ${String(err.message)}` };
  if (err && (err.code === 'EACCES' || err.code === 'EISDIR'))
    return { code: EXIT.usage, line: `cannot use file: ${String(err.message)}` };
  if (e instanceof TypeError && /fetch failed/i.test(e.message))
    return { code: EXIT.directory, line: 'directory: unreachable' };
  const message = e instanceof Error ? e.message : String(e);
  // A bug, not the input's fault: said as such (never "malformed"), with the stack on request.
  if (process.env.NOISE_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return { code: EXIT.internal, line: `internal error: ${message.split('\n')[0]}` };
}
