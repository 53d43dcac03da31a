// The Sent copy (docs/spec/mailbox-v1.md §4.4, docs/api.md "Sent copies"): the message as sent
// and its summary, both sealed under the inbox key with an id the client draws (the object keys
// bind the message id, so the id must exist before sealing), framed for the upload.

import { frameReplacement } from '../api/inbox.ts';
import { toBase64Url } from '../encoding.ts';
import { KIND_BODY, KIND_SUMMARY } from '../mailbox/labels.ts';
import { sealObject } from '../mailbox/sealed-object.ts';
import {
  encodeSummary,
  messageIdKey,
  RELAYED_AS_MAX,
  type SummaryV2,
  type SummaryV3,
  snippetOf,
  threadIdOf,
} from '../mailbox/summary.ts';
import type { MailContent } from '../pgp/mime-build.ts';

/** A fresh message id as the server makes them: 16 random bytes, base64url. */
export function newSentId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

const address = (a: { name?: string; address: string }) =>
  a.name ? { name: a.name, address: a.address } : { address: a.address };

/** Service ids longer than this are not kept: the sealed summary has a size bound (§4). */
const RELAYED_ID_MAX = 256;

/**
 * §4.5 the ids the delivered copies went out under that are not the message's own: each once,
 * compared as msg-ids (messageIdKey), at most RELAYED_AS_MAX.
 */
function otherIds(own: string, relayed: readonly (string | undefined)[]): string[] {
  const seen = new Set([messageIdKey(own)]);
  const out: string[] = [];
  for (const id of relayed) {
    if (!id || id.length > RELAYED_ID_MAX || out.length >= RELAYED_AS_MAX) continue;
    const key = messageIdKey(id);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(id);
  }
  return out;
}

/**
 * §4.4 the summary of a message the user sent, threading included; §4.5 version 3 when the mail
 * service reported other Message-IDs for delivered copies (RelayResult recipients' messageId).
 */
export function sentSummary(
  content: MailContent,
  sent: {
    messageId: string;
    bcc?: readonly string[];
    encryption: 'pgp-mime' | 'none';
    relayedAs?: readonly (string | undefined)[];
  },
): SummaryV2 | SummaryV3 {
  const references = content.references ?? [];
  const inReplyTo = content.inReplyTo ?? null;
  const relayedAs = otherIds(sent.messageId, sent.relayedAs ?? []);
  const summary: SummaryV2 = {
    v: 2,
    from: address(content.from),
    to: content.to.slice(0, 32).map(address),
    cc: (content.cc ?? []).slice(0, 32).map(address),
    bcc: (sent.bcc ?? []).slice(0, 50).map((a) => ({ address: a })),
    subject: content.subject.slice(0, 998),
    date: (content.date ?? new Date()).toISOString(),
    messageId: sent.messageId,
    inReplyTo,
    references: references.slice(-32),
    thread: threadIdOf({ messageId: sent.messageId, inReplyTo, references }),
    snippet: snippetOf(content.text),
    attachments: (content.attachments ?? []).slice(0, 64).map((a) => ({
      name: a.filename.slice(0, 256),
      type: a.contentType.slice(0, 128),
      size: a.data.length,
    })),
    encryption: sent.encryption,
  };
  return relayedAs.length ? { ...summary, v: 3, relayedAs } : summary;
}

/** Seals summary and body under the inbox key for `id`; the result is the upload's body. */
export async function sealSentCopy(
  inboxKey: Uint8Array,
  id: string,
  summary: SummaryV2 | SummaryV3,
  mime: Uint8Array,
): Promise<Uint8Array> {
  const [sealedSummary, sealedBody] = await Promise.all([
    sealObject(inboxKey, { kind: KIND_SUMMARY, messageId: id }, encodeSummary(summary)),
    sealObject(inboxKey, { kind: KIND_BODY, messageId: id }, mime),
  ]);
  return frameReplacement(sealedSummary, sealedBody);
}
