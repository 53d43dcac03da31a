// The inbox page's reads: list rows with their summaries decrypted (kept in memory per message
// version while unlocked), and one message opened through open-message.ts and then the one reader
// the read overlay uses (overlay-crypto.ts readBlock, shared/reader), so its verdicts are the same.
// The attachments of the last few opened messages stay here and go to the page in pieces.

import type { ApiClient } from '../../../shared/api/client.ts';
import type { InboxMessage } from '../../../shared/api/inbox.ts';
import { fromBase64, fromBase64Url, toBase64 } from '../../../shared/encoding.ts';
import { isNoiseError } from '../../../shared/errors.ts';
import { decodeSummary, KIND_SUMMARY, type Summary } from '../../../shared/mailbox/index.ts';
import type { InboxOpenView, InboxRowView } from '../../messages/inbox-protocol.ts';
import type { OverlayKeySource, ReadKeyCache } from '../overlay-crypto.ts';
import { readBlock } from '../overlay-crypto.ts';
import { type OpenStep, openStoredMessage } from './open-message.ts';
import { openStored, type StoredKeySource } from './stored-objects.ts';
import { rowView, withoutAttachmentData } from './views.ts';

/** Attachments are handed over in pieces of this many bytes (base64 in a runtime message). */
export const ATTACHMENT_PIECE = 4 * 1024 * 1024;
/** Opened messages whose attachments are kept for download. */
const KEPT_OPENED = 3;

interface KeptAttachment {
  name: string;
  type: string;
  data: Uint8Array;
}

/** What a reply or a forward of an opened message needs (outbox.ts): threading, text, files. */
export interface KeptMessage {
  summary: Summary;
  text: string;
  attachments: KeptAttachment[];
}

const keyOf = (address: string, id: string) => `${address}/${id}`;

export class InboxReader {
  private summaries = new Map<string, Summary>();
  private opened = new Map<string, KeptMessage>();
  private progress = new Map<string, { step: OpenStep; done: number; total: number }>();

  constructor(
    private readonly keys: StoredKeySource,
    private readonly overlayKeys: OverlayKeySource,
    private readonly cache: ReadKeyCache,
  ) {}

  /** A row with its summary; a summary that does not open shows as such, never as an empty mail. */
  async row(address: string, m: InboxMessage): Promise<InboxRowView> {
    const k = `${keyOf(address, m.id)}/${m.version}`;
    let summary = this.summaries.get(k);
    if (!summary) {
      try {
        summary = decodeSummary(
          await openStored(KIND_SUMMARY, m.id, m.format, fromBase64Url(m.summary), this.keys),
        );
      } catch (e) {
        return rowView(address, m, { failure: isNoiseError(e) ? e.code : 'internal' });
      }
      this.summaries.set(k, summary);
    }
    return rowView(address, m, { summary });
  }

  rows(address: string, messages: InboxMessage[]): Promise<InboxRowView[]> {
    return Promise.all(messages.map((m) => this.row(address, m)));
  }

  /** The summary kept for a row, if its version was listed (new-mail notifications). */
  keptSummary(address: string, m: InboxMessage): Summary | undefined {
    return this.summaries.get(`${keyOf(address, m.id)}/${m.version}`);
  }

  progressOf(address: string, id: string) {
    return this.progress.get(keyOf(address, id)) ?? null;
  }

  async open(api: ApiClient, address: string, id: string): Promise<InboxOpenView> {
    const k = keyOf(address, id);
    // The reader asks for the private key only through the cache: watched here, with the
    // stored objects' own use, so the page (and the tests) learn whether this open needed it.
    let readerUsedPrivateKey = false;
    const watched: ReadKeyCache = {
      get: (s) => {
        readerUsedPrivateKey = true;
        return this.cache.get(s);
      },
      ownPublicKey: (s) => this.cache.ownPublicKey(s),
      publicKeys: (a) => this.cache.publicKeys(a),
    };
    try {
      const out = await openStoredMessage(api, address, id, this.keys, (step, done, total) =>
        this.progress.set(k, { step, done, total }),
      );
      this.summaries.set(`${k}/${out.message.version}`, out.summary);
      const view = await readBlock(
        {
          kind: 'pgp-message',
          text: out.raw,
          displayedSender: out.summary.from?.address ?? null,
          // envelope-v1 §4.6: the inbox's message id names the delivery (a re-read, not a replay).
          delivery: `inbox:${k}`,
          clipped: false,
          fullViewUrl: null,
        },
        this.overlayKeys,
        watched,
      );
      if (view.kind !== 'message') throw new Error('the reader gave no message view');
      this.keep(k, {
        summary: out.summary,
        text: view.parts.map((p) => p.text).join('\n'),
        attachments: view.attachments.map((a) => ({ name: a.name, type: a.type, data: fromBase64(a.data) })),
      });
      return {
        row: rowView(address, out.message, { summary: out.summary }),
        view: withoutAttachmentData(view),
        privateKeyUsed: out.privateKeyUsed || readerUsedPrivateKey,
        resealed: out.resealed,
        resealFailed: out.resealFailed ?? null,
      };
    } finally {
      this.progress.delete(k);
    }
  }

  private keep(k: string, kept: KeptMessage): void {
    this.opened.delete(k);
    this.opened.set(k, kept);
    while (this.opened.size > KEPT_OPENED) this.opened.delete(this.opened.keys().next().value as string);
  }

  /** One piece of an attachment of a message opened lately; null when it is no longer kept. */
  attachmentPiece(address: string, id: string, index: number, offset: number) {
    const a = this.opened.get(keyOf(address, id))?.attachments[index];
    if (!a || offset > a.data.length) return null;
    const piece = a.data.subarray(offset, offset + ATTACHMENT_PIECE);
    return { data: toBase64(piece), offset, total: a.data.length, name: a.name, type: a.type };
  }

  /** A message opened lately, for a reply or a forward; null when it is no longer kept. */
  kept(address: string, id: string): KeptMessage | null {
    return this.opened.get(keyOf(address, id)) ?? null;
  }

  forget(address: string, id: string): void {
    this.opened.delete(keyOf(address, id));
  }

  /** At lock: every plaintext held here goes. */
  clear(): void {
    this.summaries.clear();
    this.opened.clear();
    this.progress.clear();
  }
}
