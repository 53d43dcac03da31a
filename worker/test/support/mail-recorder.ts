// Observes what the Worker hands to the real send_email binding. Locally, miniflare's
// EmailMessage is a plain object whose raw MIME sits under "EmailMessage::raw"; the recorder
// keeps a copy and forwards the message unchanged to the real MAILER, which still enforces
// Cloudflare's rules (Message-ID present, From equal to the envelope sender, no Received).

import { env } from 'cloudflare:test';
import PostalMime from 'postal-mime';
import { app } from '../../src/app.ts';
import { BASE } from './accounts.ts';

const RAW_EMAIL = 'EmailMessage::raw';

export interface SentMail {
  from: string;
  to: string;
  raw: string;
}

export function recordingEnv(): { env: typeof env; sent: SentMail[] } {
  const sent: SentMail[] = [];
  const mailer = {
    async send(message: EmailMessage) {
      const raw = (message as unknown as Record<string, unknown>)[RAW_EMAIL];
      const result = await env.MAILER.send(message);
      sent.push({
        from: message.from,
        to: message.to,
        raw: typeof raw === 'string' ? raw : await new Response(raw as ReadableStream).text(),
      });
      return result;
    },
  } as SendEmail;
  return { env: { ...env, MAILER: mailer }, sent };
}

/** The app in this workerd with the recording env (SELF cannot swap one binding). */
export function appFetch(
  e: typeof env,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('Content-Type', 'application/json');
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return Promise.resolve(app.request(`${BASE}${path}`, { ...init, headers, body }, e));
}

export async function readVerificationMail(mail: SentMail) {
  const parsed = await PostalMime.parse(mail.raw);
  const text = parsed.text ?? '';
  const code = text.match(/code in the extension: (\d{6})/)?.[1];
  const link = text.match(/(https?:\/\/\S+\/api\/v1\/verifications\/link\/[A-Za-z0-9_-]+)/)?.[1];
  if (!code || !link) throw new Error('verification mail without code or link');
  return { parsed, code, link, linkPath: new URL(link).pathname };
}

/**
 * Runs a real verification for `address` (with `token`: for adding it to that account) and
 * returns the proof the mailed code yields.
 */
export async function proveAddress(
  e: typeof env,
  sent: SentMail[],
  address: string,
  token?: string,
): Promise<string> {
  const started = await appFetch(e, '/api/v1/verifications', {
    method: 'POST',
    json: { address },
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (started.status !== 202)
    throw new Error(`verification start: ${started.status} ${await started.text()}`);
  const { verificationId } = (await started.json()) as { verificationId: string };
  const { code } = await readVerificationMail(sent.at(-1)!);
  const confirmed = await appFetch(e, `/api/v1/verifications/${verificationId}/confirm`, {
    method: 'POST',
    json: { code },
  });
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${await confirmed.text()}`);
  return ((await confirmed.json()) as { proofToken: string }).proofToken;
}
