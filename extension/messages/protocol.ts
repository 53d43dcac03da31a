// The typed message API between extension pages and the background. Every request is
// validated against its zod schema in the background before anything runs; unknown commands
// and unknown fields are refused. Answers never carry private keys: fingerprints and results only.

import { z } from 'zod';
import type { SecurityMarkView } from '../overlay/security-mark.ts';
import { INBOX_REQUESTS, type InboxCommand, type InboxResponses } from './inbox-protocol.ts';

const Address = z.string().trim().min(3).max(254);
const Passphrase = z.string().min(1).max(1024);
const ServerUrl = z.url({ protocol: /^https?$/ }).max(2048);
const Armored = z
  .string()
  .min(1)
  .max(256 * 1024);

export const REQUESTS = {
  status: z.strictObject({}),
  'settings.get': z.strictObject({}),
  'settings.set': z.strictObject({
    serverUrl: ServerUrl.optional(),
    lockTimeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    defaultFormat: z.enum(['auto', 'pgp']).optional(),
    keyServers: z.boolean().optional(),
  }),
  'account.sendCode': z.strictObject({ serverUrl: ServerUrl, address: Address }),
  'account.create': z.strictObject({
    serverUrl: ServerUrl,
    address: Address,
    code: z.string().regex(/^\d{6}$/),
    passphrase: Passphrase,
    /** Also claim an inbox on the service domain (full address; no mail round trip). */
    claimInbox: Address.optional(),
  }),
  'account.restore': z.strictObject({ serverUrl: ServerUrl, address: Address, passphrase: Passphrase }),
  /** Forgotten passphrase: the recovery code (or old passphrase) opens this device's vault or a backup file. */
  'account.recover': z
    .strictObject({
      code: z.string().min(8).max(128).optional(),
      passphrase: Passphrase.optional(),
      backup: z
        .string()
        .max(1024 * 1024)
        .optional(),
      newPassphrase: Passphrase,
    })
    .refine((r) => (r.code === undefined) !== (r.passphrase === undefined), 'code or passphrase'),
  'account.importKey': z.strictObject({ armoredKey: Armored, keyPassphrase: z.string().max(1024) }),
  unlock: z.strictObject({ passphrase: Passphrase }),
  lock: z.strictObject({}),
  'identity.get': z.strictObject({}),
  'identity.exportPublicKey': z.strictObject({}),
  'identity.exportBackup': z.strictObject({}),
  'identity.createRecovery': z.strictObject({}),
  'identity.revoke': z.strictObject({ confirm: z.literal(true) }),
  'contacts.list': z.strictObject({}),
  'contacts.lookup': z.strictObject({ address: Address }),
  'contacts.import': z.strictObject({ armoredKey: Armored }),
  'contacts.remove': z.strictObject({ address: Address }),
  /** Contacts whose key names this display name (recipients the webmail shows by name only). */
  'contacts.byName': z.strictObject({ name: z.string().trim().min(1).max(254) }),
  'contacts.verify': z.strictObject({ address: Address, fingerprint: z.string().min(16).max(64) }),
  'contacts.acceptChange': z.strictObject({ address: Address }),
  'log.list': z.strictObject({}),
  'sessions.list': z.strictObject({}),
  'sessions.revoke': z.strictObject({ id: z.string().min(1).max(128) }),
  'sessions.logout': z.strictObject({}),
  'securityMark.get': z.strictObject({}),
  'securityMark.renew': z.strictObject({}),
  /** Key transparency (docs/spec/transparency-v1.md §9.4): pins, last checkpoint, alarms. Also while locked. */
  'transparency.status': z.strictObject({}),
  /** Self-monitoring now (§9.2), whatever the last check's age. */
  'transparency.check': z.strictObject({}),
  /** Pin a log key (null: pin the served one on next use) and/or require a witness (null: none). */
  'transparency.configure': z.strictObject({
    logKey: z.string().trim().min(1).max(1024).nullable().optional(),
    witnessKey: z.string().trim().min(1).max(1024).nullable().optional(),
  }),
  ...INBOX_REQUESTS,
} as const;

export type Command = keyof typeof REQUESTS;
export type RequestOf<C extends Command> = z.infer<(typeof REQUESTS)[C]>;

export const Envelope = z.strictObject({ cmd: z.string().max(64), args: z.unknown() });

export type LockState = 'none' | 'locked' | 'unlocked';

export interface Status {
  state: LockState;
  address: string | null;
  fingerprints: { pgp: string; envelope: string } | null;
  /** Unix ms until which unlocking is refused after too many wrong passphrases. */
  lockedUntil: number;
  /** Wrong tries left before the next lockout. */
  attemptsLeft: number;
  /** Key generation progress while an account is being created. */
  progress: { step: string; done: number; total: number } | null;
  serverUrl: string;
}

export interface IdentityView {
  address: string;
  addresses: string[];
  fingerprints: { pgp: string; envelope: string };
  pgpUserIds: string[];
  pgpCreatedAt: number;
  revoked: boolean;
  /** One-time prekeys left in the directory, null when unknown (offline). */
  oneTimePrekeys: number | null;
  signedPrekeyCreatedAt: number;
}

export interface ContactView {
  address: string;
  fingerprint: string;
  source: string;
  firstSeen: number;
  lastUsed: number | null;
  verified: boolean;
  /** `loggedAt`: when the directory's transparency log recorded the new key, if it came from there. */
  pendingChange: { fingerprint: string; source: string; seenAt: number; loggedAt: number | null } | null;
  /** The pinned envelope identity (native messages), beside the OpenPGP key. */
  envelope: {
    fingerprint: string;
    firstSeen: number;
    verified: boolean;
    pendingChange: { fingerprint: string; seenAt: number } | null;
  } | null;
}

export interface LogView {
  at: number;
  kind: string;
  detail: string;
}

/** One server session of the account (a device that logged in). */
export interface SessionView {
  id: string;
  deviceName: string;
  userAgent: string;
  createdAt: number;
  lastUsedAt: number;
  /** The session this extension is using. */
  current: boolean;
}

export interface TransparencyView {
  serverUrl: string;
  /** The pinned log key, its name and key ID (hex), and how it was pinned. */
  logKey: {
    vkey: string;
    name: string;
    keyId: string;
    source: 'configured' | 'first_use';
    pinnedAt: number;
  } | null;
  witnessKey: string | null;
  checkpoint: { size: number; at: number } | null;
  lastSelfCheck: number | null;
  alarms: {
    kind: 'inconsistent_checkpoint' | 'foreign_key';
    at: number;
    detail: string;
    evidence: string[];
  }[];
}

export interface SettingsView {
  serverUrl: string;
  lockTimeoutMinutes: number;
  defaultFormat: 'auto' | 'pgp';
  keyServers: boolean;
}

export interface Responses extends InboxResponses {
  status: Status;
  'settings.get': SettingsView;
  'securityMark.get': SecurityMarkView;
  'securityMark.renew': SecurityMarkView;
  'settings.set': SettingsView;
  'account.sendCode': { sentTo: string };
  'account.create': Status;
  'account.restore': Status;
  'account.recover': { status: Status; serverUpdated: boolean };
  'account.importKey': { fingerprint: string };
  unlock: Status;
  lock: Status;
  'identity.get': IdentityView;
  'identity.exportPublicKey': { armored: string; fileName: string };
  'identity.exportBackup': { contents: string; fileName: string };
  'identity.createRecovery': { code: string; address: string; createdAt: number };
  'identity.revoke': { fingerprint: string };
  'contacts.list': ContactView[];
  'contacts.lookup': ContactView;
  'contacts.import': ContactView;
  'contacts.remove': { removed: boolean };
  'contacts.byName': { address: string; userId: string }[];
  'contacts.verify': ContactView;
  'contacts.acceptChange': ContactView;
  'log.list': LogView[];
  'sessions.list': SessionView[];
  'sessions.revoke': { revoked: string };
  'sessions.logout': { loggedOut: boolean };
  'transparency.status': TransparencyView;
  'transparency.check': TransparencyView;
  'transparency.configure': TransparencyView;
}

/** What the background implements: one handler per command. */
export type Handlers = { [C in Command]: (args: RequestOf<C>) => Promise<Responses[C]> };
/** The handlers of everything but the inbox (background/service.ts); background/inbox adds the rest. */
export type CoreHandlers = Omit<Handlers, InboxCommand>;

export type Reply<C extends Command> =
  | { ok: true; value: Responses[C] }
  | { ok: false; error: { code: string; message: string; until?: number; attemptsLeft?: number } };
