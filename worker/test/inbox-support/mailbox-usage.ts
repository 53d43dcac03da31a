// Sets a mailbox's usage counters directly, as if it held that much: quota tests reach the
// account's limit without storing a gibibyte.

import { env, runInDurableObject } from 'cloudflare:test';
import { mailboxStub } from '../../src/mailbox/stub.ts';

export async function setMailboxUsage(
  address: string,
  usage: { bytes: number; messages: number },
): Promise<void> {
  const stub = mailboxStub(env, address);
  await stub.usage();
  await runInDurableObject(stub, (_o, state) => {
    for (const [name, value] of Object.entries(usage))
      state.storage.sql.exec(
        `INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2`,
        name,
        value,
      );
  });
}
