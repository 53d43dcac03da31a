// Inbound mail for worker.email() as Email Routing hands it over: envelope from/to, the headers,
// the raw bytes as a stream, rawSize, and setReject recorded for the test to read.

import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index.ts';

export interface Delivery {
  rejected: string | undefined;
  threw: unknown;
}

export interface InboundOptions {
  from?: string;
  /** Overrides the reported size (Email Routing's rawSize), e.g. to claim more than arrives. */
  rawSize?: number;
  /** Another env, e.g. with a failing binding for crash tests. */
  env?: Cloudflare.Env;
}

function headersOf(raw: Uint8Array): Headers {
  const text = new TextDecoder().decode(raw);
  const end = text.search(/\r?\n\r?\n/);
  const headers = new Headers();
  const unfolded = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // a header name Headers refuses: Email Routing would pass it in raw only
    }
  }
  return headers;
}

/** Puts the recipient into a fixture's `To: RCPT`. */
export function addressed(eml: string, to: string): Uint8Array {
  return new TextEncoder().encode(eml.replaceAll('RCPT', to));
}

export async function deliver(raw: Uint8Array, to: string, options: InboundOptions = {}): Promise<Delivery> {
  const out: Delivery = { rejected: undefined, threw: undefined };
  const message = {
    from: options.from ?? 'dave@sender.example',
    to,
    headers: headersOf(raw),
    raw: new ReadableStream<Uint8Array>({
      start(controller) {
        // In pieces, as a network stream arrives.
        for (let i = 0; i < raw.length; i += 16_384) controller.enqueue(raw.slice(i, i + 16_384));
        controller.close();
      },
    }),
    rawSize: options.rawSize ?? raw.length,
    setReject(reason: string) {
      out.rejected = reason;
    },
    forward: async () => ({}) as EmailSendResult,
    reply: async () => ({}) as EmailSendResult,
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  try {
    await worker.email(message, options.env ?? env, ctx);
  } catch (e) {
    out.threw = e;
  }
  await waitOnExecutionContext(ctx);
  return out;
}
