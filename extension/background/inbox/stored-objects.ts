// Opening and sealing one message's stored objects (docs/spec/mailbox-v1.md): a summary or body
// sealed on arrival to the directory key (`pgp`, opened with the private key: §5) or re-sealed
// under an inbox key (`inbox-v1`, §3). Pure functions over the key sources; nothing here talks to
// the server.

import type { PrivateKey } from 'openpgp';
import type { StoredFormat } from '../../../shared/api/inbox.ts';
import { toHex } from '../../../shared/encoding.ts';
import { NoiseError } from '../../../shared/errors.ts';
import {
  KIND_BODY,
  KIND_SUMMARY,
  type ObjectKind,
  openObject,
  SUMMARY_MAX_BYTES,
  sealedKeyId,
  sealObject,
} from '../../../shared/mailbox/index.ts';
import { decryptMessage } from '../../../shared/pgp/message.ts';
import { splitEntity } from '../../../shared/pgp/mime-slice.ts';
import { type InboxKey, type InboxKeyring, inboxKeyById } from './keyring.ts';

/** Mail up to Email Routing's 25 MiB, plus room for the seal (worker/src/mailbox/limits.ts). */
export const MAX_BODY_BYTES = 26 * 1024 * 1024;

/** Where opening finds its keys. `privateKey` is the slow, asymmetric path: arrivals only. */
export interface StoredKeySource {
  /** The unlocked vault's inbox keys (made on first need). */
  ring(): Promise<InboxKeyring>;
  /** An object named a key this device lacks: bring in the Worker's vault copy and look again. */
  refreshRing(): Promise<InboxKeyring | undefined>;
  privateKey(): Promise<PrivateKey>;
}

/** The inbox key that sealed `sealed`; 'not_for_me' when this vault holds none with its id. */
export async function keyOf(sealed: Uint8Array, keys: StoredKeySource): Promise<InboxKey> {
  const raw = sealedKeyId(sealed);
  if (!raw) throw new NoiseError('malformed', 'mailbox object: not a mailbox-v1 object');
  const id = toHex(raw);
  let found = inboxKeyById(await keys.ring(), id);
  if (!found) {
    const ring = await keys.refreshRing();
    found = ring ? inboxKeyById(ring, id) : null;
  }
  if (!found)
    throw new NoiseError('not_for_me', 'mailbox object: sealed under an inbox key this vault lacks');
  return found;
}

/**
 * The plaintext of one stored object. An arrival must be an encrypted, integrity-protected
 * OpenPGP message: a server that serves a bare literal packet (plaintext of its choosing) is
 * refused, like any unprotected message (EFAIL).
 */
export async function openStored(
  kind: ObjectKind,
  messageId: string,
  format: StoredFormat,
  sealed: Uint8Array,
  keys: StoredKeySource,
): Promise<Uint8Array> {
  if (format === 'inbox-v1') return openObject((await keyOf(sealed, keys)).key, { kind, messageId }, sealed);
  const opened = await decryptMessage(sealed, {
    decryptionKeys: async () => [await keys.privateKey()],
    limits: { maxDecryptedBytes: kind === KIND_SUMMARY ? SUMMARY_MAX_BYTES : MAX_BODY_BYTES },
  });
  if (!opened.verdict.encrypted || !opened.verdict.integrityProtected)
    throw new NoiseError('no_integrity', 'the stored message is not sealed: refused');
  return opened.data;
}

/** Both objects of a message sealed under `key` for `messageId` (spec §3; a fresh salt each). */
export async function sealMessage(
  key: InboxKey,
  messageId: string,
  plain: { summary: Uint8Array; body: Uint8Array },
): Promise<{ summary: Uint8Array; body: Uint8Array }> {
  const [summary, body] = await Promise.all([
    sealObject(key.key, { kind: KIND_SUMMARY, messageId }, plain.summary),
    sealObject(key.key, { kind: KIND_BODY, messageId }, plain.body),
  ]);
  return { summary, body };
}

const normalise = (id: string) => id.replace(/\s+/g, '').toLowerCase();

/**
 * On arrival the Worker seals summary and body separately, and nothing binds one to the other
 * until the first open re-seals them for one message id (spec §3.2). A server that moved another
 * message's summary here is caught by the Message-ID both carry; such a pair is never re-sealed.
 */
export function checkSummaryBelongs(summaryMessageId: string | null, body: Uint8Array): void {
  if (summaryMessageId === null) return;
  const head = body.subarray(0, Math.min(body.length, 256 * 1024));
  const bodyId = splitEntity(head).headers.get('message-id');
  if (bodyId !== undefined && normalise(bodyId) !== normalise(summaryMessageId))
    throw new NoiseError('tampered', 'the summary stored with this message belongs to another message');
}
