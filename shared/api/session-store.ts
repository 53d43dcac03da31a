// Where the one API client keeps its session (docs/api.md "Sessions"): memory for tests, the
// extension's storage.session + IndexedDB (background/session-store.ts), a file for the CLI
// (cli/session-file.ts). Whatever backs it must survive as long as the refresh token should:
// losing the tokens means logging in again, which makes a new server session.

import type { SessionTokens } from './accounts.ts';

export interface SessionStore {
  get(): SessionTokens | undefined | Promise<SessionTokens | undefined>;
  set(tokens: SessionTokens | undefined): void | Promise<void>;
}

export function memorySessionStore(initial?: SessionTokens): SessionStore {
  let current = initial;
  return {
    get: () => current,
    set: (t) => {
      current = t;
    },
  };
}

/** Why the client logged in by itself (ApiClientOptions.relogin). */
export type LoginReason =
  /** No session was stored (first use, or the store was cleared). */
  | 'no_session'
  /** The refresh token expired or its session was revoked. */
  | 'session_ended'
  /**
   * The server saw a rotated refresh token come back and revoked the session (RFC 9700
   * §4.14.2): a copy of a token was used, or an answer was lost. One login, and it is logged.
   */
  | 'refresh_token_reused';

export type SessionEvent =
  | { kind: 'refreshed'; sessionId: string }
  | { kind: 'login'; reason: LoginReason; sessionId: string; previousSessionId: string | null };
