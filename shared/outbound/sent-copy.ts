// The Sent copy (docs/spec/mailbox-v1.md §4.4, docs/api.md "Sent copies"): the message as sent
// and its summary, both sealed under the inbox key with an id the client draws (the object keys
// bind the message id, so the id must exist before sealing), framed for the upload.

import { frameReplacement } from '../api/inbox.ts';
import { toBase64Url } from '../encoding.ts';
import { KIND_BODY, KIND_SUMMARY } from '../mailbox/labels.ts';
import { sealObject } from '../mailbox/sealed-object.ts';
import { encodeSummary, type SummaryV2, snippetOf, threadIdOf } from '../mailbox/summary.ts';
import type { MailContent } from '../pgp/mime-build.ts';

/** A fresh message id as the server makes them: 16 random bytes, base64url. */
export function newSentId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

const address = (a: { name?: string; address: string }) =>
  a.name ? { name: a.name, address: a.address } : { address: a.address };

/** §4.4 the summary of a message the user sent, threading included. */
export function sentSummary(
  content: MailContent,
  sent: { messageId: string; bcc?: readonly string[]; encryption: 'pgp-mime' | 'none' },
): SummaryV2 {
  const references = content.references ?? [];
  const inReplyTo = content.inReplyTo ?? null;
  return {
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
}

/** Seals summary and body under the inbox key for `id`; the result is the upload's body. */
export async function sealSentCopy(
  inboxKey: Uint8Array,
  id: string,
  summary: SummaryV2,
  mime: Uint8Array,
): Promise<Uint8Array> {
  const [sealedSummary, sealedBody] = await Promise.all([
    sealObject(inboxKey, { kind: KIND_SUMMARY, messageId: id }, encodeSummary(summary)),
    sealObject(inboxKey, { kind: KIND_BODY, messageId: id }, mime),
  ]);
  return frameReplacement(sealedSummary, sealedBody);
}
