// Mailbox limits (docs/api.md, inboxes). One account's quota spans all its inboxes.

/** Email Routing accepts up to 25 MiB per message; larger mail is refused before it is read. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export const ACCOUNT_QUOTA = {
  /** Stored bytes (sealed bodies and summaries) over all the account's inboxes. */
  bytes: 1024 * 1024 * 1024,
  messages: 100_000,
} as const;

/** A sealed body may exceed the message by its encryption overhead; replacements stay within this. */
export const MAX_SEALED_BODY_BYTES = MAX_MESSAGE_BYTES + 1024 * 1024;
/** A sealed summary (OpenPGP on arrival or mailbox-v1 after replace) stays within this. */
export const MAX_SEALED_SUMMARY_BYTES = 48 * 1024;

/** Deleted messages leave a tombstone for `changes` this long; older cursors must re-list. */
export const TOMBSTONE_TTL_MS = 30 * 24 * 3_600_000;

export const LIST_PAGE = { default: 50, max: 200 } as const;
export const CHANGES_PAGE = 500;

export interface Usage {
  bytes: number;
  messages: number;
}
