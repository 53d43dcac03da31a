// Opening one stored message (docs/spec/mailbox-v1.md §6): the body streamed from the server with
// progress, both objects opened, and, when they are not yet under the current inbox key (an
// arrival still sealed to the directory key, or a key since rotated), re-sealed and put back in one
// compare-and-swap. A 412 means another device moved the message first: fetch it again and go on
// from what is stored now. Later opens find `inbox-v1` under the current key and use only that
// key: the private key is asked for only while an object is still an arrival (`privateKeyUsed`).

import { type ApiClient, isApiClientError } from '../../../shared/api/client.ts';
import type { InboxMessage } from '../../../shared/api/inbox.ts';
import { fromBase64Url, toHex } from '../../../shared/encoding.ts';
import { NoiseError } from '../../../shared/errors.ts';
import {
  decodeSummary,
  KIND_BODY,
  KIND_SUMMARY,
  type Summary,
  sealedKeyId,
} from '../../../shared/mailbox/index.ts';
import { currentInboxKey } from './keyring.ts';
import {
  checkSummaryBelongs,
  MAX_BODY_BYTES,
  openStored,
  type StoredKeySource,
  sealMessage,
} from './stored-objects.ts';

export type OpenStep = 'download' | 'decrypt' | 'reseal';
export type OpenProgress = (step: OpenStep, done: number, total: number) => void;

export interface OpenedMessage {
  /** The server's row as it stands after this open. */
  message: InboxMessage;
  /** The message exactly as it arrived (RFC 5322). */
  raw: Uint8Array;
  summary: Summary;
  /** Whether the private key was asked for (only an arrival's first open needs it). */
  privateKeyUsed: boolean;
  /** This open replaced the server's copy with one under the current inbox key. */
  resealed: boolean;
  /** Why a re-seal that was due did not happen (offline, over quota); the next open tries again. */
  resealFailed?: string;
}

/** How often a compare-and-swap that lost a race is retried from a fresh fetch. */
const ATTEMPTS = 3;

async function readAll(stream: ReadableStream<Uint8Array>, size: number, progress: OpenProgress) {
  if (size > MAX_BODY_BYTES) throw new NoiseError('too_large', 'the stored message is larger than any mail');
  const out = new Uint8Array(size);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > size) throw new NoiseError('malformed', 'the body is longer than announced');
    out.set(value, at);
    at += value.length;
    progress('download', at, size);
  }
  if (at !== size) throw new NoiseError('malformed', 'the body ended early');
  return out;
}

/** Whether a row's objects need sealing under `currentId` (an arrival, or another key). */
function stale(m: InboxMessage, currentId: string): boolean {
  if (m.format === 'pgp') return true;
  const id = sealedKeyId(fromBase64Url(m.summary));
  return !id || toHex(id) !== currentId;
}

export async function openStoredMessage(
  api: ApiClient,
  address: string,
  id: string,
  keys: StoredKeySource,
  progress: OpenProgress = () => {},
): Promise<OpenedMessage> {
  let privateKeyUsed = false;
  const counted: StoredKeySource = {
    ...keys,
    privateKey: () => {
      privateKeyUsed = true;
      return keys.privateKey();
    },
  };
  for (let attempt = 1; ; attempt++) {
    let message = await api.inbox.get(address, id);
    const body = await api.inbox.body(address, id);
    const sealedBody = await readAll(body.stream, body.size, progress);
    // The row and the body must be of one version: a replace may land between the two requests.
    if (body.version !== message.version) {
      if (attempt < ATTEMPTS) continue;
      throw new NoiseError('tampered', 'the server keeps answering with mismatched versions');
    }
    progress('decrypt', 0, 1);
    const raw = await openStored(KIND_BODY, id, body.format, sealedBody, counted);
    const summaryPlain = await openStored(
      KIND_SUMMARY,
      id,
      message.format,
      fromBase64Url(message.summary),
      counted,
    );
    const summary = decodeSummary(summaryPlain);
    progress('decrypt', 1, 1);
    const current = currentInboxKey(await keys.ring());
    if (!stale(message, current.id)) return { message, raw, summary, privateKeyUsed, resealed: false };
    if (message.format === 'pgp') checkSummaryBelongs(summary.messageId, raw);
    progress('reseal', 0, 1);
    const sealed = await sealMessage(current, id, { summary: summaryPlain, body: raw });
    try {
      message = await api.inbox.replace(address, id, message.version, sealed);
      progress('reseal', 1, 1);
      return { message, raw, summary, privateKeyUsed, resealed: true };
    } catch (e) {
      // 412: another device replaced it first; fetch what is stored now and open that instead.
      if (isApiClientError(e) && e.status === 412 && attempt < ATTEMPTS) continue;
      const resealFailed = e instanceof Error ? e.message : String(e);
      return { message, raw, summary, privateKeyUsed, resealed: false, resealFailed };
    }
  }
}
