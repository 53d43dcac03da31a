// Record shapes of the extension's IndexedDB database. Nothing here is ever unlocked key
// material: the vault is the wrapped blob exactly as the Worker stores it.

export type KeySource = 'directory' | 'wkd' | 'keys.openpgp.org' | 'manual' | 'autocrypt';

/** The wrapped vault, byte for byte the Worker's copy, plus what is needed to find it again. */
export interface VaultRecord {
  id: 'self';
  address: string;
  serverUrl: string;
  /** The sealed vault (base64url), opaque to the store. */
  blob: string;
  /** The Worker's compare-and-swap version of that blob (If-Match). */
  version: number;
  /** A second copy of the vault key wrapped by the recovery code, if one was made. */
  recoveryBlob?: string;
  /** Public facts shown while locked. */
  fingerprints: { pgp: string; envelope: string };
  updatedAt: number;
  /**
   * The blob holds changes the Worker's copy (at `version`) lacks, e.g. a one-time prekey deleted
   * after an open while offline; the next sync pushes them (background/vault-sync.ts).
   */
  unsynced?: boolean;
}

/** envelope-v1 §4.5: one opened envelope. Nothing here names the envelope without the vault's key. */
export interface OpenedEnvelopeRow {
  /** HMAC of the envelope id under a key from the vault (background/replay-ledger.ts). */
  id: string;
  /** A keyed tag of the identity whose ledger this row is in. */
  owner: string;
  openedAt: number;
  /** The one-time prekey it used, deleted from the vault when recorded; -1 for none (IndexedDB keys cannot be null). */
  oneTimePrekeyId: number;
}

/** The inbox poller's state (background/inbox/poller.ts): ids and counts only, nothing of a mail. */
export interface InboxPollRecord {
  kind: 'inbox-poll';
  /** The account it belongs to. */
  account: string;
  inboxes: Record<
    string,
    {
      /** `changes` cursor (docs/api.md): what this device has seen of the mailbox. */
      cursor: number;
      /** Ids of inbox messages not read yet. */
      unread: string[];
      /** Newest arrival time seen, so a message marked unread again is not "new mail". */
      newest: number;
      /**
       * The inbox's watch token (docs/api.md "Watching an inbox") and what it last answered: the
       * poll while locked, which has no session, asks with it for the cursor and unread count.
       */
      watch?: { token: string; cursor: number; unread: number };
    }
  >;
  /** When the inbox list was last asked for (GET /inboxes). */
  listedAt: number;
}

/** The user's inbox choices (options page). */
export interface InboxSettings {
  kind: 'inbox-settings';
  /** How often the poller asks for changes; Chrome's alarms fire at most every 30 s. */
  pollSeconds: number;
  /** System notifications for new mail (sender named only while unlocked). */
  notify: boolean;
}

/** A resumable re-encryption after an inbox key rotation (background/inbox/rotation.ts). */
export interface InboxRotationRecord {
  kind: 'inbox-rotation';
  /** The key objects move to (hex id). */
  target: string;
  /** The inboxes a pass walks. */
  addresses: string[];
  /** Inbox addresses and folders still to walk, each with the list cursor reached. */
  pending: { address: string; folder: 'inbox' | 'sent'; before: string | null }[];
  moved: number;
  /** Messages that failed in the current pass (another pass retries them). */
  failed: number;
  /** Passes walked so far; a pass that left failures is followed by another, up to a limit. */
  passes: number;
  startedAt: number;
  finishedAt: number | null;
}

/** One sealed search source entry of the inbox (background/inbox/search-store.ts). */
export interface InboxSearchRow {
  /** mailbox-v1 §2.2 id (hex) of the inbox key whose search key sealed `entry`. */
  keyId: string;
  /** read-cache-v1 entry (docs/spec/read-cache-v1.md §3). */
  entry: Uint8Array;
}

/** The server session at rest: read-cache-v1 sealed tokens, opened only while unlocked. */
export interface SealedSessionRecord {
  kind: 'sealed-session';
  /** The account whose session it is. */
  address: string;
  entry: Uint8Array;
}

export interface PendingKeyChange {
  fingerprint: string;
  armoredKey: string;
  source: KeySource;
  seenAt: number;
  /** When the directory's transparency log recorded the new key (transparency-v1 §9.1). */
  loggedAt?: number;
}

export interface ContactRecord {
  /** Lowercased address. */
  address: string;
  fingerprint: string;
  armoredKey: string;
  source: KeySource;
  firstSeen: number;
  lastUsed: number | null;
  verified: boolean;
  /** A lookup returned a different key: shown as a warning, never applied silently. */
  pendingChange?: PendingKeyChange;
  /** The contact's envelope identity, pinned beside the OpenPGP key (background/envelope-pins.ts). */
  envelope?: EnvelopePin;
}

/** A native envelope identity pinned on first sight (trust on first use), like the OpenPGP key. */
export interface EnvelopePin {
  /** envelope-v1 §2.5 fingerprint, uppercase hex. */
  fingerprint: string;
  firstSeen: number;
  verified: boolean;
  /** Another identity was seen for the address (a read or the directory): shown, never applied silently. */
  pendingChange?: { fingerprint: string; seenAt: number };
}

export const LOG_KINDS = [
  'unlock',
  'unlock_failed',
  'lockout',
  'lock',
  'key_created',
  'key_imported',
  'key_restored',
  'key_revoked',
  'contact_key_changed',
  'envelope_identity_changed',
  'session',
  'session_new',
  'logout',
  'session_revoked',
  'session_token_reused',
  'passphrase_reset',
  'security_mark_renewed',
  'transparency_log_pinned',
  'transparency_refused',
  'transparency_alarm',
] as const;
export type SecurityEventKind = (typeof LOG_KINDS)[number];

export interface SecurityEvent {
  id?: number;
  at: number;
  kind: SecurityEventKind;
  detail: string;
}

export type MessageFormat = 'auto' | 'pgp';

export interface Settings {
  serverUrl: string;
  lockTimeoutMinutes: number;
  /** 'auto' = native envelope when every recipient supports it, else PGP. */
  defaultFormat: MessageFormat;
  keyServers: boolean;
}

/** Failed-unlock counter kept on disk so a restart does not reset the lockout. */
export interface GuardRecord {
  failures: number;
  /** How many lockouts have happened in a row; each one lasts longer. */
  lockouts: number;
  lockedUntil: number;
}

/**
 * Key transparency, per server (docs/spec/transparency-v1.md §9.4; background/transparency.ts):
 * the pinned log key, the last verified checkpoint, self-monitoring's progress and the alarms
 * with their evidence. Public data only.
 */
export interface TransparencyRecord {
  kind: 'transparency';
  serverUrl: string;
  /** The log's verifier key (C2SP note verifier), pinned: configured, or served on first use. */
  logKey: { vkey: string; source: 'configured' | 'first_use'; pinnedAt: number } | null;
  /** A witness whose cosignature every checkpoint needs (§6.4), or null. */
  witnessKey: string | null;
  /** The VRF public key (base64url), from the note the pinned log key signed (§3.5). */
  vrfKey: string | null;
  /** The last verified checkpoint: the signed note as served, with its size and root (base64url). */
  checkpoint: { note: string; size: number; root: string; at: number } | null;
  /** Self-monitoring (§9.2): the frontier of the leaves read so far and the account's own keys. */
  watch: {
    size: number;
    frontier: string[];
    checkedAt: number;
    /** "openpgp:HEX" and "envelope:HEX" fingerprints this account has called its own. */
    own: string[];
  } | null;
  alarms: TransparencyAlarm[];
}

export interface TransparencyAlarm {
  kind: 'inconsistent_checkpoint' | 'foreign_key';
  at: number;
  /** What happened, in words (names the address and leaf for a foreign key). */
  detail: string;
  /** The signed checkpoints (and leaf) that prove it, as served. */
  evidence: string[];
}
