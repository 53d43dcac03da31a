// Port names and the relay's outbound messages, without zod: the content script imports this
// file only, so its bundle stays small (it must stay under 30 KB minified).

import type { NamedRecipient } from '../providers/types.ts';

export const PORT_RELAY = 'noise-relay';
export const PORT_READ = 'noise-read';
export const PORT_COMPOSE = 'noise-compose';

/** What the visible subject becomes when the real one travels encrypted (LAMPS header protection). */
export const SUBJECT_PLACEHOLDER = '[...]';

/** Background → content script. Never plaintext. */
export type RelayOut =
  | { t: 'insert'; token: string; armored: string; subject: string | null }
  | { t: 'resize'; token: string; height: number }
  | { t: 'close'; token: string };

/** Content script → background (validated there by protocol.ts's RelayIn). */
export type RelayMessage =
  | {
      t: 'read';
      token: string;
      kind: 'pgp-message' | 'pgp-signed' | 'pgp-public-key' | 'envelope';
      /** The element's text as shown: the block and what stands around it. */
      text: string;
      sender: string | null;
      /** The webmail's own id of the message showing the block (envelope-v1 §4.6). */
      message?: string | null;
      clipped: boolean;
      fullViewUrl: string | null;
      /** The spare read frame this block was given (see spareFromFragment), if any. */
      spare?: string;
    }
  | {
      t: 'compose';
      token: string;
      to: string[];
      cc: string[];
      bcc: string[];
      unresolved: NamedRecipient[];
      subject: string;
      typedChars: number;
      provider: string;
    }
  | { t: 'inserted'; token: string; ok: boolean; modelRegistered: boolean }
  | { t: 'forget'; token: string }
  /** Keeps the background running while the webmail is in view (content.ts KEEPALIVE_MS). */
  | { t: 'ping' };

const ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The frame's token travels in its URL fragment: `read.html#<token>`. */
export function tokenFromFragment(hash: string): string | null {
  const t = hash.replace(/^#/, '');
  return ID.test(t) ? t : null;
}

/**
 * A read frame loaded ahead of need has no token yet, only a spare id: `read.html#spare.<id>`.
 * It binds that id on its port at once; the block it is later given names the same id, and the
 * background then sends the view straight to it (background/overlay.ts, "spares").
 */
export function spareFromFragment(hash: string): string | null {
  const m = /^#?spare\.(.*)$/.exec(hash);
  return m?.[1] && ID.test(m[1]) ? m[1] : null;
}
