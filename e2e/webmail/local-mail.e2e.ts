// `npm start`'s mail bridge (scripts/local-mail.mjs) against a real `wrangler dev` and the demo
// webmail: the verification mail the Worker sends through send_email for a demo account lands
// in that account's inbox, once; mail for other addresses stays out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalMailBridge } from '../../scripts/local-mail.mjs';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { startWebmail } from './server.ts';

let worker: WorkerServer;
let webmail: Awaited<ReturnType<typeof startWebmail>>;
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-local-mail-'));
  [worker, webmail] = await Promise.all([startWorker(), startWebmail({ dataDir, port: 0 })]);
});
afterAll(async () => {
  await Promise.all([worker?.stop(), webmail?.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function verify(address: string): Promise<void> {
  const res = await fetch(`${worker.url}/api/v1/verifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ address }),
  });
  expect(res.status).toBe(202);
}

async function inbox(name: string): Promise<{ subject: string }[]> {
  return (await fetch(`${webmail.url}/api/accounts/${name}/mailboxes/inbox`)).json();
}

describe('npm start: local mail bridge', () => {
  it('delivers the verification mail for a demo account into its inbox, once', async () => {
    const deliver = createLocalMailBridge(webmail.url);
    await verify('alice@webmail.localhost');
    await verify('someone@example.org');
    const reached: string[] = [];
    const deadline = Date.now() + 20_000;
    while (reached.length === 0 && Date.now() < deadline) {
      for (const line of [...worker.log]) reached.push(...(await deliver(line)));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(reached).toEqual(['alice']);
    // Lines seen again deliver nothing twice.
    for (const line of [...worker.log]) expect(await deliver(line)).toEqual([]);
    const mails = await inbox('alice');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/\b\d{6}\b/);
    for (const other of ['bob', 'carol', 'dave']) expect(await inbox(other)).toEqual([]);
  });
});
