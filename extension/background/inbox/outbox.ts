// Sending from the inbox page (docs/api.md, relay; docs/spec/relay-v1.md §6): the recipients'
// states from the one key-status rule (overlay-encrypt.ts keyStatuses: contacts, pins, the
// transparency-checked directory), the split of send-plan.ts, one PGP/MIME copy for those with a
// key (encrypted mode: the relay sees ciphertext) and, when the sender chose and confirmed it,
// one signed plaintext copy sealed to the relay for the rest, both built by shared/outbound
// prepareSend with the same headers. Then the Sent copy, sealed under the inbox key. Replies and
// forwards take their threading and files from the message as it was opened here (reading.ts).

import type { PrivateKey } from 'openpgp';
import { uniqueAddresses } from '../../../shared/address.ts';
import { type ApiClient, isApiClientError } from '../../../shared/api/client.ts';
import type { RelayResult } from '../../../shared/api/relay.ts';
import { fromBase64, fromBase64Url, fromHex } from '../../../shared/encoding.ts';
import {
  newSentId,
  type PreparedSend,
  prepareSend,
  sealSentCopy,
  sentSummary,
} from '../../../shared/outbound/index.ts';
import { type MailAttachment, type MailContent, newMessageId } from '../../../shared/pgp/mime-build.ts';
import type { InboxSendRequest, InboxSendView } from '../../messages/inbox-protocol.ts';
import type { KeyStatus } from '../../overlay/protocol.ts';
import { ExtensionError } from '../errors.ts';
import type { OverlayKeySource } from '../overlay-crypto.ts';
import { keyStatuses } from '../overlay-encrypt.ts';
import { threading } from './drafts.ts';
import type { InboxKey } from './keyring.ts';
import type { KeptMessage } from './reading.ts';
import { relayFailure, relayFailureCode } from './relay-failure.ts';
import { splitRecipients } from './send-plan.ts';

export interface OutboxDeps {
  keys: OverlayKeySource;
  signingKey(): Promise<PrivateKey>;
  inboxKey(): Promise<InboxKey>;
  kept(address: string, id: string): KeptMessage | null;
}

const sameFingerprint = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/** The armored key a status named: the pinned contact's, else the directory's, fingerprint checked. */
async function keyOf(status: Exclude<KeyStatus, { kind: 'none' | 'refused' }>, keys: OverlayKeySource) {
  const contact = (await keys.contacts()).find((c) => c.address === status.address);
  if (contact && sameFingerprint(contact.fingerprint, status.fingerprint)) return contact.armoredKey;
  const entry = await keys.lookup(status.address);
  if (entry && sameFingerprint(entry.fingerprint, status.fingerprint)) return entry.openpgpKey;
  throw new ExtensionError(
    'invalid_key',
    `The key of ${status.address} changed while sending: nothing more was sent. Check the recipients again.`,
  );
}

function keptOrFail(deps: OutboxDeps, m: { address: string; id: string }): KeptMessage {
  const kept = deps.kept(m.address, m.id);
  if (!kept) throw new ExtensionError('not_found', 'Open the message again, then reply or forward.');
  return kept;
}

async function relaySend(api: ApiClient, sent: PreparedSend): Promise<RelayResult> {
  try {
    return await api.relay.send(sent.meta, sent.payload);
  } catch (e) {
    throw relayFailure(e);
  }
}

export async function sendFromInbox(
  api: ApiClient,
  deps: OutboxDeps,
  req: InboxSendRequest,
): Promise<InboxSendView> {
  const statuses = await keyStatuses(uniqueAddresses([...req.to, ...req.cc]), deps.keys);
  const split = splitRecipients(statuses, {
    withoutKey: req.withoutKey,
    confirmed: req.confirmedUnencrypted,
  });
  const omitted = new Set(split.omitted);
  const kept = (list: readonly string[]) =>
    uniqueAddresses(list)
      .filter((a) => !omitted.has(a))
      .map((address) => ({ address }));
  const files: MailAttachment[] = req.attachments.map((a) => ({
    filename: a.name,
    contentType: a.type || 'application/octet-stream',
    data: fromBase64(a.data),
  }));
  if (req.forward)
    files.unshift(
      ...keptOrFail(deps, req.forward).attachments.map((a) => ({
        filename: a.name,
        contentType: a.type,
        data: a.data,
      })),
    );
  const from = { address: req.from };
  const content: MailContent = {
    from,
    to: kept(req.to),
    cc: kept(req.cc),
    subject: req.subject,
    text: req.text,
    attachments: files,
    date: new Date(),
    messageId: newMessageId(from),
    ...(req.replyTo ? threading(keptOrFail(deps, req.replyTo).summary) : {}),
  };
  const signingKey = await deps.signingKey();
  const copies: { part: 'encrypted' | 'sealed'; sent: PreparedSend }[] = [];
  if (split.encrypted.length > 0) {
    const recipientKeys = [];
    for (const s of statuses)
      if (s.kind !== 'none' && s.kind !== 'refused') recipientKeys.push(await keyOf(s, deps.keys));
    const mail = { content, signingKey, envelope: split.encrypted };
    copies.push({ part: 'encrypted', sent: await prepareSend(mail, { mode: 'encrypted', recipientKeys }) });
  }
  if (split.sealed.length > 0) {
    const doc = await api.relay.key();
    const relayKey = { publicKey: fromBase64Url(doc.publicKey), keyId: fromHex(doc.keyId) };
    const mail = { content, signingKey, envelope: split.sealed };
    copies.push({ part: 'sealed', sent: await prepareSend(mail, { mode: 'sealed', relayKey }) });
  }
  // The encrypted copy goes first; when a later copy fails, what was sent is still reported and
  // kept in Sent, and the failed recipients are named.
  const results: RelayResult[] = [];
  const failed: InboxSendView['failed'] = [];
  for (const [i, copy] of copies.entries()) {
    try {
      const result = await relaySend(api, copy.sent);
      results.push(result);
      for (const r of result.recipients)
        if (r.status === 'failed')
          failed.push({ address: r.address, code: relayFailureCode(r.error ?? '') ?? r.error ?? 'server' });
    } catch (e) {
      if (i === 0) throw e;
      const code = (e as { code?: unknown }).code;
      for (const address of copy.sent.meta.to)
        failed.push({ address, code: typeof code === 'string' ? code : 'server' });
    }
  }
  // docs/spec/relay-v1.md §6: the service may give each delivered copy its own Message-ID; the
  // Sent copy keeps them all so replies that name one join the thread (mailbox-v1 §4.5).
  const relayedAs = results.flatMap((r) => r.recipients.map((x) => x.messageId));
  const sentCopy = await storeSentCopy(api, deps, req.from, content, copies, {
    anyPlain: split.sealed.length > 0,
    relayedAs,
  });
  const inline = results.find((r) => r.delivery === 'inline-pgp');
  return {
    messageId: content.messageId!,
    encryptedTo: split.encrypted,
    sealedTo: split.sealed,
    omitted: split.omitted,
    delivery: inline ? 'inline-pgp' : 'raw',
    ...(inline?.fallbackReason ? { fallbackReason: inline.fallbackReason } : {}),
    failed,
    ...sentCopy,
  };
}

/**
 * docs/api.md "Sent copies": the encrypted copy when there is one (it is encrypted to the sender
 * too), else the signed plaintext, sealed under the current inbox key. A Sent copy that does not
 * land is reported, never a reason to send again.
 */
async function storeSentCopy(
  api: ApiClient,
  deps: OutboxDeps,
  from: string,
  content: MailContent,
  copies: { part: 'encrypted' | 'sealed'; sent: PreparedSend }[],
  sent: { anyPlain: boolean; relayedAs: readonly (string | undefined)[] },
): Promise<{ sentId: string | null; sentCopyFailed: string | null }> {
  const mime = copies[0]!.sent.mime;
  const summary = sentSummary(content, {
    messageId: content.messageId!,
    // Honest about the message as a whole: a copy went in plaintext to someone.
    encryption: sent.anyPlain ? 'none' : 'pgp-mime',
    relayedAs: sent.relayedAs,
  });
  const id = newSentId();
  try {
    const framed = await sealSentCopy((await deps.inboxKey()).key, id, summary, mime);
    for (let attempt = 1; ; attempt++) {
      try {
        await api.inbox.uploadSent(from, id, framed);
        return { sentId: id, sentCopyFailed: null };
      } catch (e) {
        // 409: an earlier attempt landed after all.
        if (isApiClientError(e) && e.code === 'message_exists') return { sentId: id, sentCopyFailed: null };
        if (attempt >= 2) throw e;
      }
    }
  } catch (e) {
    return { sentId: null, sentCopyFailed: e instanceof Error ? e.message : String(e) };
  }
}
