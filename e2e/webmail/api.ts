// The JSON API tests use: accounts, mailboxes, raw .eml import/export, sending, threads.
// Errors are JSON `{ error: { code, message } }` with a 4xx status.

import { isAddress } from './accounts.ts';
import { WebmailError } from './errors.ts';
import { buildMessage, type Draft } from './outgoing.ts';
import { isMailbox, type MailStore, parseRaw, type StoredMessage } from './store.ts';

export interface ApiRequest {
  method: string;
  segments: string[];
  contentType: string;
  body: () => Promise<Buffer>;
}

export type ApiResponse =
  | { status: number; json: unknown }
  | { status: number; raw: Buffer; contentType: string; filename?: string };

export interface SendResult {
  id: string;
  messageId: string;
  threadId: string;
  delivered: { account: string; id: string }[];
  outbound: { address: string; id: string }[];
}

function addressList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new WebmailError(400, 'invalid_argument', `${field} must be an array`);
  for (const a of value)
    if (!isAddress(a)) throw new WebmailError(400, 'invalid_argument', `${field} has an invalid address`);
  return value as string[];
}

function parseDraft(input: unknown): Draft & { inReplyTo: string | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new WebmailError(400, 'malformed', 'body must be a JSON object');
  }
  const o = input as Record<string, unknown>;
  const known = new Set(['to', 'cc', 'bcc', 'subject', 'text', 'inReplyTo']);
  for (const k of Object.keys(o))
    if (!known.has(k)) throw new WebmailError(400, 'invalid_argument', `unknown field ${k}`);
  const draft = {
    to: addressList(o.to, 'to'),
    cc: addressList(o.cc, 'cc'),
    bcc: addressList(o.bcc, 'bcc'),
    subject: o.subject ?? '',
    text: o.text ?? '',
    inReplyTo: o.inReplyTo ?? null,
  };
  if (typeof draft.subject !== 'string' || /[\r\n]/.test(draft.subject)) {
    throw new WebmailError(400, 'invalid_argument', 'subject must be one line of text');
  }
  if (typeof draft.text !== 'string')
    throw new WebmailError(400, 'invalid_argument', 'text must be a string');
  if (draft.inReplyTo !== null && typeof draft.inReplyTo !== 'string') {
    throw new WebmailError(400, 'invalid_argument', 'inReplyTo must be a message id');
  }
  if (draft.to.length + draft.cc.length + draft.bcc.length === 0) {
    throw new WebmailError(400, 'invalid_argument', 'no recipients');
  }
  return draft as Draft & { inReplyTo: string | null };
}

/** Builds the mail, files it in the sender's Sent, and delivers it to every recipient. */
export async function send(store: MailStore, accountName: string, input: unknown): Promise<SendResult> {
  const from = store.account(accountName);
  const draft = parseDraft(input);
  const parent = draft.inReplyTo ? await store.get(accountName, draft.inReplyTo) : undefined;
  const raw = buildMessage(from, draft, parent);
  // One parse for every copy: the bytes are the same in Sent and in each local inbox.
  const parsed = await parseRaw(raw);
  const sent = await store.deliver(accountName, 'sent', raw, parsed);
  const result: SendResult = {
    id: sent.id,
    messageId: sent.messageId,
    threadId: sent.threadId,
    delivered: [],
    outbound: [],
  };
  const seen = new Set<string>();
  for (const address of [...draft.to, ...draft.cc, ...draft.bcc]) {
    const lower = address.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    const local = store.accountByAddress(address);
    if (local) {
      const m = await store.deliver(local.name, 'inbox', raw, parsed);
      result.delivered.push({ account: local.name, id: m.id });
    } else {
      result.outbound.push({ address, id: store.storeOutbound(raw) });
    }
  }
  return result;
}

function summary(m: StoredMessage): Omit<StoredMessage, 'text'> & { snippet: string } {
  const { text, ...rest } = m;
  return { ...rest, snippet: text.slice(0, 200) };
}

async function json(req: ApiRequest): Promise<unknown> {
  if (!req.contentType.startsWith('application/json')) {
    throw new WebmailError(415, 'unsupported_media_type', 'expected application/json');
  }
  try {
    return JSON.parse((await req.body()).toString('utf8'));
  } catch {
    throw new WebmailError(400, 'malformed', 'invalid JSON');
  }
}

export async function handleApi(store: MailStore, req: ApiRequest): Promise<ApiResponse> {
  const [first, name, second, third, fourth] = req.segments;
  const method = req.method;
  const allow = (m: string) => {
    if (method !== m) throw new WebmailError(405, 'method_not_allowed', `use ${m}`);
  };
  if (first === 'accounts' && name === undefined) {
    allow('GET');
    return { status: 200, json: store.accounts() };
  }
  if (first === 'outbound') {
    allow('GET');
    if (name === undefined) return { status: 200, json: store.outbound() };
    if (second === 'raw' && third === undefined) {
      return {
        status: 200,
        raw: store.outboundRaw(name),
        contentType: 'message/rfc822',
        filename: `${name}.eml`,
      };
    }
  }
  if (first === 'accounts' && name !== undefined) {
    const account = store.account(name);
    if (second === undefined) {
      allow('GET');
      return { status: 200, json: account };
    }
    if (second === 'send' && third === undefined) {
      allow('POST');
      return { status: 201, json: await send(store, name, await json(req)) };
    }
    if (second === 'mailboxes' && third !== undefined && fourth === undefined) {
      if (!isMailbox(third)) throw new WebmailError(404, 'not_found', 'no such mailbox');
      if (method === 'GET') return { status: 200, json: (await store.list(name, third)).map(summary) };
      allow('POST');
      const stored = await store.deliver(name, third, await req.body());
      return { status: 201, json: summary(stored) };
    }
    if (second === 'messages' && third !== undefined) {
      allow('GET');
      if (fourth === undefined) return { status: 200, json: await store.get(name, third) };
      if (fourth === 'raw' && req.segments.length === 5) {
        return {
          status: 200,
          raw: await store.raw(name, third),
          contentType: 'message/rfc822',
          filename: `${third}.eml`,
        };
      }
    }
    if (second === 'threads' && third !== undefined && fourth === undefined) {
      allow('GET');
      return { status: 200, json: await store.thread(name, third) };
    }
  }
  throw new WebmailError(404, 'not_found', 'no such endpoint');
}
