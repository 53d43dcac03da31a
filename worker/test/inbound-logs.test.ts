// docs/threat-model.md "Inbound mail": logs carry no address, subject or text; a failure logs the
// error's class name only. Attacked two ways: everything the handler writes to the console while
// it accepts, refuses or fails mail, and the error it throws to the runtime (which Workers Logs
// and `wrangler tail` record with its message and stack) when a binding fails with a message
// that quotes the input, as parsers', crypto libraries' and storage errors may.

import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount } from './inbox-support/inbox-account.ts';
import { captureConsole } from './support/console-capture.ts';

const CANARY = 'CANARY7f3a9c';
const SENDER = 'dave-logs@sender.example';

const logged = captureConsole();

/** Every string the outside world could read: console lines, and the thrown error's text. */
function leaks(needles: string[], threw?: unknown): string[] {
  const texts = [...logged];
  if (threw instanceof Error) texts.push(`${threw.name} ${threw.message} ${threw.stack ?? ''}`);
  else if (threw !== undefined) texts.push(String(threw));
  return texts.filter((t) => needles.some((n) => t.toLowerCase().includes(n.toLowerCase())));
}

/** A binding whose every method fails with an error quoting what it was given. */
function quoting<T extends object>(real: T): T {
  return new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const quoted = args.map((a) =>
          a instanceof Uint8Array || a instanceof ArrayBuffer
            ? new TextDecoder().decode(a)
            : typeof a === 'string'
              ? a
              : JSON.stringify(a),
        );
        throw new Error(`${String(prop)} failed for ${quoted.join(' ')}`);
      };
    },
  });
}

describe('email(): nothing of a message reaches a log', () => {
  let alice: InboxAccount;
  beforeEach(async () => {
    alice = await inboxAccount('logs');
  });

  it('accepted, duplicate, unknown recipient and too large: no address or content logged', async () => {
    const raw = addressed(plainEml, alice.address);
    const outcomes = [
      await deliver(raw, alice.address, { from: SENDER }),
      await deliver(raw, alice.address, { from: SENDER }),
      await deliver(raw, `nobody-${alice.address}`, { from: SENDER }),
      await deliver(raw, alice.address, { from: SENDER, rawSize: 30 * 1024 * 1024 }),
    ];
    for (const o of outcomes) expect(o.threw).toBeUndefined();
    expect(leaks([CANARY, alice.address, SENDER])).toEqual([]);
  });

  it('a failing R2 or Durable Object whose error quotes its input: the sender retries, the error says nothing', async () => {
    const raw = addressed(plainEml, alice.address);
    for (const broken of [
      { ...env, MAIL_BODIES: quoting(env.MAIL_BODIES) },
      { ...env, MAILBOX: quoting(env.MAILBOX) },
      { ...env, DB: quoting(env.DB) },
    ] as Cloudflare.Env[]) {
      logged.length = 0;
      const d = await deliver(raw, alice.address, { from: SENDER, env: broken });
      // Still a temporary failure: the handler throws, so Email Routing asks the sender to retry.
      expect(d.threw).toBeInstanceOf(Error);
      expect(d.rejected).toBeUndefined();
      expect(leaks([CANARY, alice.address, SENDER], d.threw)).toEqual([]);
      // What is logged still names the kind of failure.
      expect(logged.join('\n')).toMatch(/inbound: delivery failed \(Error\)/);
    }
    // The retry with working bindings stores the message.
    expect(await deliver(raw, alice.address, { from: SENDER })).toEqual({
      rejected: undefined,
      threw: undefined,
    });
  });
});
