// Crash safety of the email() handler: a write that fails half-way makes the handler throw (a
// temporary failure: the sender retries), and leaves no orphan row, no orphan body and no
// plaintext; the retry then stores the message once.

import { env, runInDurableObject } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { mailboxPrefix } from '../src/mailbox/body-objects.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount } from './inbox-support/inbox-account.ts';
import { findEverywhere, mailboxCells, r2Objects } from './inbox-support/storage-scan.ts';

const CANARY = 'CANARY7f3a9c';
let alice: InboxAccount;

beforeEach(async () => {
  alice = await inboxAccount('crash');
});

async function messageRows(address: string): Promise<number> {
  return runInDurableObject(mailboxStub(env, address), (_o, state) => {
    const tables = state.storage.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages'`)
      .one().n;
    return tables === 0
      ? 0
      : state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM messages').one().n;
  });
}

/** R2 objects under this mailbox's prefix (R2 state is shared by the tests of one file). */
async function bodies(address: string): Promise<string[]> {
  const prefix = mailboxPrefix(mailboxStub(env, address).id.toString());
  return (await r2Objects()).map((o) => o.key).filter((k) => k.startsWith(prefix));
}

async function expectNothingLeft(address: string): Promise<void> {
  expect(await messageRows(address)).toBe(0);
  expect(await bodies(address)).toEqual([]);
  expect(await findEverywhere(CANARY, [address])).toEqual([]);
}

/** R2 that stores the object and then reports a failure (a lost acknowledgement). */
function r2LosingAcks(): R2Bucket {
  const real = env.MAIL_BODIES;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'put')
        return async (...args: Parameters<R2Bucket['put']>) => {
          await target.put(...args);
          throw new Error('R2: connection reset');
        };
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('email(): crash safety', () => {
  it('the body write fails after landing: the handler throws, the body is removed, no row', async () => {
    const raw = addressed(plainEml, alice.address);
    const d = await deliver(raw, alice.address, { env: { ...env, MAIL_BODIES: r2LosingAcks() } });
    expect(d.threw).toBeInstanceOf(Error);
    expect(d.rejected).toBeUndefined();
    await expectNothingLeft(alice.address);
    // The sender's retry goes through, once.
    expect((await deliver(raw, alice.address)).threw).toBeUndefined();
    expect(await messageRows(alice.address)).toBe(1);
    expect((await bodies(alice.address)).length).toBe(1);
  });

  it('the index write fails half-way inside the Durable Object: rolled back, the body removed', async () => {
    const stub = mailboxStub(env, alice.address);
    await stub.usage(); // the schema exists
    // A real SQLite failure after the row was inserted: the 'bytes' counter update aborts.
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec(
        `CREATE TRIGGER fail_bytes BEFORE INSERT ON counters WHEN NEW.name = 'bytes'
         BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
    });
    const raw = addressed(plainEml, alice.address);
    const d = await deliver(raw, alice.address);
    expect(d.threw).toBeDefined();
    await expectNothingLeft(alice.address);
    expect(await stub.usage()).toEqual({ bytes: 0, messages: 0 });
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec('DROP TRIGGER fail_bytes');
    });
    expect((await deliver(raw, alice.address)).threw).toBeUndefined();
    expect(await messageRows(alice.address)).toBe(1);
    expect((await bodies(alice.address)).length).toBe(1);
  });

  it('the Durable Object is unreachable after the body landed: the handler throws, the body is removed', async () => {
    const real = env.MAILBOX;
    const unreachable = {
      idFromName: (name: string) => real.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = real.get(id);
        return {
          id: stub.id,
          usage: () => stub.usage(),
          admit: (...a: Parameters<typeof stub.admit>) => stub.admit(...a),
          commit: async () => {
            throw new Error('Durable Object reset');
          },
        };
      },
    } as unknown as typeof env.MAILBOX;
    const d = await deliver(addressed(plainEml, alice.address), alice.address, {
      env: { ...env, MAILBOX: unreachable },
    });
    expect(d.threw).toBeInstanceOf(Error);
    await expectNothingLeft(alice.address);
    expect(await mailboxCells(alice.address)).not.toContain(CANARY);
  });
});
