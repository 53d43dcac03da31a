// Test support for the relay: accounts that send, PGP/MIME built by shared/pgp the way a client
// builds it, send requests through the app, and a recorder of what reaches the send_email
// binding. The recorder copies each raw EmailMessage byte for byte and forwards a new one with the
// same bytes to the real local MAILER (which still enforces Cloudflare's local rules); structured
// messages (the inline fallback) are forwarded as they are. `refuse` makes it throw the way
// production Email Service does (an Error with an E_* `code`), which wrangler cannot reproduce.

import { EmailMessage } from 'cloudflare:email';
import { env } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { frameRelayRequest, RELAY_REQUEST_TYPE, type RelayRequestMeta } from '../../../shared/api/relay.ts';
import { buildEncryptedMime, type MailContent } from '../../../shared/pgp/mime-build.ts';
import { app } from '../../src/app.ts';
import { type InboxAccount, inboxAccount } from '../inbox-support/inbox-account.ts';
import { BASE } from '../support/accounts.ts';
import { PRODUCTION_SETTINGS } from '../support/production.ts';

const RAW_EMAIL = 'EmailMessage::raw';

export interface RecordedSend {
  from: string;
  to: string;
  /** The raw bytes of an EmailMessage; undefined for a structured message. */
  raw?: Uint8Array;
  builder?: EmailMessageBuilder;
}

export type Refusal = (send: RecordedSend) => string | undefined;

export function recordingMailer(options: { refuse?: Refusal } = {}) {
  const sent: RecordedSend[] = [];
  const attempts: RecordedSend[] = [];
  const mailer = {
    async send(message: EmailMessage | EmailMessageBuilder) {
      let record: RecordedSend;
      let forward: EmailMessage | EmailMessageBuilder;
      if (RAW_EMAIL in (message as object)) {
        const m = message as EmailMessage;
        const raw = (m as unknown as Record<string, unknown>)[RAW_EMAIL];
        const bytes =
          typeof raw === 'string'
            ? new TextEncoder().encode(raw)
            : new Uint8Array(await new Response(raw as ReadableStream).arrayBuffer());
        record = { from: m.from, to: m.to, raw: bytes };
        forward = new EmailMessage(m.from, m.to, new Response(bytes).body!);
      } else {
        const b = message as EmailMessageBuilder;
        record = {
          from: typeof b.from === 'string' ? b.from : b.from.email,
          to: JSON.stringify([b.to, b.cc, b.bcc]),
          builder: b,
        };
        forward = b;
      }
      attempts.push(record);
      const code = options.refuse?.(record);
      // Like the service, the message names the recipient: it must never reach a log.
      if (code) throw Object.assign(new Error(`${code}: refused for ${record.to}`), { code });
      const result = await env.MAILER.send(forward as EmailMessage);
      sent.push(record);
      return result;
    },
  } as SendEmail;
  return { mailer, sent, attempts };
}

export function relayEnv(overrides: Partial<Cloudflare.Env> = {}, refuse?: Refusal) {
  const recorder = recordingMailer(refuse ? { refuse } : {});
  // "production" here means a configured production Worker (account routes open), so that only
  // the relay's own settings decide what a test sees.
  const production = overrides.ENVIRONMENT === 'production' ? PRODUCTION_SETTINGS : {};
  return {
    env: { ...env, MAILER: recorder.mailer, ...production, ...overrides } as Cloudflare.Env,
    ...recorder,
  };
}

/** POST /api/v1/relay/messages through the app with `e` as its env. */
export async function sendRequest(
  e: Cloudflare.Env,
  token: string,
  meta: RelayRequestMeta,
  message: Uint8Array,
): Promise<Response> {
  return app.request(
    `${BASE}/api/v1/relay/messages`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': RELAY_REQUEST_TYPE },
      body: frameRelayRequest(meta, message) as Uint8Array<ArrayBuffer>,
    },
    e,
  );
}

export async function appGet(e: Cloudflare.Env, path: string, token?: string): Promise<Response> {
  return app.request(`${BASE}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }, e);
}

export interface Correspondent {
  address: string;
  publicKey: openpgp.PublicKey;
  privateKey: openpgp.PrivateKey;
}

export async function correspondent(address: string): Promise<Correspondent> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: address }] });
  return {
    address,
    privateKey: await openpgp.readPrivateKey({ armoredKey: privateKey }),
    publicKey: await openpgp.readKey({ armoredKey: publicKey }),
  };
}

export function content(sender: InboxAccount, to: string[], extra: Partial<MailContent> = {}): MailContent {
  return {
    from: { name: 'Alice', address: sender.address },
    to: to.map((address) => ({ address })),
    subject: 'Relay test',
    text: 'Hello through the relay.',
    ...extra,
  };
}

/** PGP/MIME (RFC 3156) signed by the sender and encrypted to the recipients, as bytes. */
export async function encryptedMime(
  sender: InboxAccount,
  recipients: Correspondent[],
  extra: Partial<MailContent> = {},
): Promise<Uint8Array> {
  const mime = await buildEncryptedMime(
    content(
      sender,
      recipients.map((r) => r.address),
      extra,
    ),
    { signingKey: sender.privateKey, recipients: recipients.map((r) => r.publicKey) },
  );
  return new TextEncoder().encode(mime);
}

export { type InboxAccount, inboxAccount };
