// The email() handler (docs/threat-model.md, inbound; docs/spec/mailbox-v1.md §5). The message is
// read into memory, checked, parsed and sealed to the recipient's published key; only then is
// anything written: the sealed body to R2, then the index row in the mailbox's Durable Object.
// Any failure before that row is durable throws, so Email Routing answers with a temporary
// failure and the sender retries; a body written without its row is deleted again. Nothing about
// the message (addresses, subject, text) is ever logged.

import { normalizeAddress } from '../../../shared/address.ts';
import { newId } from '../auth/tokens.ts';
import type { Bindings } from '../env.ts';
import { bodyObjectKey } from '../mailbox/body-objects.ts';
import { MAX_MESSAGE_BYTES } from '../mailbox/limits.ts';
import type { Admission } from '../mailbox/mailbox-object.ts';
import { mailboxStub, otherUsage } from '../mailbox/stub.ts';
import { dedupeKey } from './dedupe.ts';
import { readRaw, TooLarge } from './read-raw.ts';
import { findRecipient } from './recipient.ts';
import { parseArrival, sealArrival } from './seal-arrival.ts';

/** SMTP replies (RFC 5321 §4.2, RFC 3463 enhanced codes) for the refusals Email Routing relays. */
export const REJECT = {
  unknown: '550 5.1.1 No such user here',
  released: '550 5.1.6 This inbox was closed by its owner and receives no mail',
  full: '552 5.2.2 Mailbox full: the recipient is over their storage quota',
  tooLarge: `552 5.3.4 Message too big: this inbox accepts at most ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB`,
} as const;

/** The RCPT TO path (RFC 5321 §4.1.2) in the normal form the directory stores. */
function envelopeAddress(to: string): string {
  return normalizeAddress(to.trim().replace(/^<|>$/g, ''));
}

/** Overhead of sealing: OpenPGP packet headers and session keys, far below this. */
const SEAL_OVERHEAD = 4096;

async function deliver(message: ForwardableEmailMessage, env: Bindings): Promise<void> {
  if (message.rawSize > MAX_MESSAGE_BYTES) return message.setReject(REJECT.tooLarge);
  const address = envelopeAddress(message.to);
  const recipient = await findRecipient(env.DB, address);
  if (recipient.kind === 'unknown') return message.setReject(REJECT.unknown);
  if (recipient.kind === 'released') return message.setReject(REJECT.released);
  // A missing key is fixable by the owner: a temporary failure, so the sender keeps the mail.
  if (!recipient.armoredKey) throw new Error('inbound: the inbox has no published encryption key');

  let raw: Uint8Array;
  try {
    raw = await readRaw(message.raw, MAX_MESSAGE_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) return message.setReject(REJECT.tooLarge);
    throw e;
  }
  const parsed = await parseArrival(raw);
  const messageId = parsed.messageId ?? message.headers.get('Message-ID') ?? undefined;
  const dedupe = dedupeKey(env.SERVER_SECRET, address, messageId, raw);
  const mailbox = mailboxStub(env, address);
  const others = await otherUsage(env, recipient.accountId, address);
  const admission = await mailbox.admit(dedupe, raw.length + SEAL_OVERHEAD, others);
  if (admission === 'duplicate') return;
  if (admission === 'full') return message.setReject(REJECT.full);

  const { body, summary } = await sealArrival(raw, parsed, recipient.armoredKey);

  const id = newId();
  const bodyKey = bodyObjectKey(mailbox.id.toString(), id, 1);
  let stored: Admission;
  try {
    await env.MAIL_BODIES.put(bodyKey, body);
    stored = await mailbox.commit(
      {
        id,
        receivedAt: Date.now(),
        dedupe,
        auth: parsed.verdicts,
        summary,
        bodyKey,
        bodySize: body.byteLength,
      },
      others,
    );
  } catch (e) {
    // The put may have landed before it failed: no body stays without its row.
    await env.MAIL_BODIES.delete(bodyKey).catch(() => undefined);
    throw e;
  }
  if (stored !== 'ok') await env.MAIL_BODIES.delete(bodyKey);
  // A retry that raced its twin is already stored; a mailbox filled meanwhile refuses it.
  if (stored === 'full') message.setReject(REJECT.full);
}

/** A delivery that failed before its index row was durable; the sender retries. */
export class InboundFailure extends Error {
  override name = 'InboundFailure';
  constructor(kind: string) {
    super(`inbound: delivery failed (${kind})`);
  }
}

export async function receiveEmail(
  message: ForwardableEmailMessage,
  env: Bindings,
  _ctx: ExecutionContext,
): Promise<void> {
  try {
    await deliver(message, env);
  } catch (e) {
    // The error's name only: messages of parsers, crypto libraries and storage may quote the input.
    const kind = e instanceof Error ? e.name : 'unknown';
    console.error(`inbound: delivery failed (${kind}); the sender will retry`);
    // The runtime records a thrown error's message and stack (Workers Logs, tail), so the one that
    // makes Email Routing answer with a temporary failure names the kind only, never the original.
    throw new InboundFailure(kind);
  }
}
