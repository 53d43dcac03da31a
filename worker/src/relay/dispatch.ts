// Hands a checked message to Cloudflare's send_email binding (docs/api.md, relay): the raw bytes
// unchanged as an EmailMessage per envelope recipient (the binding takes one recipient per raw
// message), stopping at the first failure that concerns the whole message. When the service
// refuses the raw form and the client allows it, the rest goes as inline PGP (inline-fallback.ts).

import { EmailMessage } from 'cloudflare:email';
import type { Delivery } from '../../../shared/api/relay.ts';
import type { Bindings } from '../env.ts';
import { inlineFallback } from './inline-fallback.ts';
import type { CheckedMessage } from './message-checks.ts';
import { mapSendError, type SendFailure, serviceCode } from './send-errors.ts';

interface RecipientOutcome {
  address: string;
  status: 'sent' | 'failed';
  messageId?: string;
  error?: string;
}

/** The service's Message-ID for a copy (Email Service sets its own; EmailSendResult). */
function sentAs(address: string, result: EmailSendResult | undefined): RecipientOutcome {
  const id = result?.messageId;
  return typeof id === 'string' && id.length <= 998
    ? { address, status: 'sent', messageId: id }
    : { address, status: 'sent' };
}

interface DispatchOutcome {
  recipients: RecipientOutcome[];
  delivery: Delivery;
  fallbackReason?: string;
  /** The first failure, for the answer when nothing was sent. */
  failure?: SendFailure;
}

function failedAll(list: readonly string[], f: SendFailure): RecipientOutcome[] {
  return list.map((address) => ({ address, status: 'failed' as const, error: f.code }));
}

function logFailure(e: unknown): void {
  // The code or the class name only: the service's text may name addresses.
  console.error(`relay: send refused (${serviceCode(e) ?? (e instanceof Error ? e.name : 'unknown')})`);
}

export async function dispatch(
  env: Pick<Bindings, 'MAILER'>,
  raw: Uint8Array,
  checked: CheckedMessage,
  to: readonly string[],
  inlineAllowed: boolean,
): Promise<DispatchOutcome> {
  const recipients: RecipientOutcome[] = [];
  let failure: SendFailure | undefined;
  for (let i = 0; i < to.length; i++) {
    const address = to[i]!;
    try {
      const body = new Response(raw as Uint8Array<ArrayBuffer>).body!;
      recipients.push(
        sentAs(address, await env.MAILER.send(new EmailMessage(checked.headerFrom, address, body))),
      );
    } catch (e) {
      logFailure(e);
      let f = mapSendError(e);
      const rest = to.slice(i);
      const builder =
        f.fallback && inlineAllowed ? inlineFallback(checked.email, checked.headerFrom, rest) : null;
      if (builder) {
        const fallbackReason = f.code;
        try {
          const result = await env.MAILER.send(builder);
          recipients.push(...rest.map((a) => sentAs(a, result)));
          return { recipients, delivery: 'inline-pgp', fallbackReason, ...(failure ? { failure } : {}) };
        } catch (e2) {
          logFailure(e2);
          f = mapSendError(e2);
          recipients.push(...failedAll(rest, f));
          return { recipients, delivery: 'inline-pgp', fallbackReason, failure: failure ?? f };
        }
      }
      failure ??= f;
      if (f.perRecipient) {
        recipients.push({ address, status: 'failed', error: f.code });
        continue;
      }
      recipients.push(...failedAll(rest, f));
      break;
    }
  }
  return { recipients, delivery: 'raw', ...(failure ? { failure } : {}) };
}
