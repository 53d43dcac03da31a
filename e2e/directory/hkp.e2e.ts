// Acceptance (issue 3 §4): the real gpg finds and imports a key published through our API, over
// HKP from `wrangler dev` on 127.0.0.1; the WKD path answers at the hash gpg-wks-client computes.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../harness/accounts.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome, run } from '../interop/programs.ts';

const WKS_CLIENT = ['/usr/lib/gnupg/gpg-wks-client', '/usr/libexec/gpg-wks-client'].find((p) =>
  existsSync(p),
);

const address = `hkp-e2e-${Date.now().toString(36)}@noise.localhost`;
const hidden = 'not-verified@example.org';
let worker: WorkerServer;
let owner: GpgHome;
let fingerprint: string;

function colons(out: Buffer, type: string): string[][] {
  return out
    .toString()
    .split('\n')
    .filter((l) => l.startsWith(`${type}:`))
    .map((l) => l.split(':'));
}

beforeAll(async () => {
  worker = await startWorker();
  owner = createGpgHome();
  // A key made by gpg itself, with a second user ID the account never proved.
  const gen = await owner.gpg(['--quick-gen-key', `HKP Test <${address}>`, 'default', 'default', 'never']);
  expect(gen.code, gen.stderr).toBe(0);
  const list = await owner.gpg(['--with-colons', '--list-keys', address]);
  fingerprint = colons(list.stdout, 'fpr')[0]![9]!;
  const addUid = await owner.gpg(['--quick-add-uid', fingerprint, `Hidden <${hidden}>`]);
  expect(addUid.code, addUid.stderr).toBe(0);
  const exported = await owner.gpg(['--armor', '--export', fingerprint]);
  const registered = await registerAccount(worker.url, {
    address,
    openpgpKey: exported.stdout.toString(),
    deviceName: 'hkp e2e',
  });
  expect(registered.fingerprint).toBe(fingerprint);
});

afterAll(async () => {
  await owner?.cleanup();
  await worker?.stop();
});

describe('gpg against the directory', () => {
  it('--search-keys lists the key with only the verified user ID', async () => {
    const home = createGpgHome();
    try {
      const r = await home.gpg([
        '--with-colons',
        '--keyserver',
        `hkp://127.0.0.1:${worker.port}`,
        '--search-keys',
        address,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const pub = colons(r.stdout, 'pub');
      expect(pub.length).toBe(1);
      expect(pub[0]![1]).toBe(fingerprint);
      const uids = colons(r.stdout, 'uid').map((f) => decodeURIComponent(f[1]!));
      expect(uids).toEqual([`HKP Test <${address}>`]);
      expect(r.stdout.toString()).not.toContain('not-verified');
    } finally {
      await home.cleanup();
    }
  });

  it('--recv-keys imports it by fingerprint', async () => {
    const home = createGpgHome();
    try {
      const r = await home.gpg(['--keyserver', `hkp://127.0.0.1:${worker.port}`, '--recv-keys', fingerprint]);
      expect(r.code, r.stderr).toBe(0);
      const list = await home.gpg(['--with-colons', '--list-keys', fingerprint]);
      expect(colons(list.stdout, 'fpr')[0]![9]).toBe(fingerprint);
      expect(colons(list.stdout, 'uid').map((f) => f[9])).toEqual([`HKP Test <${address}>`]);
      // and it can encrypt to it
      const enc = await home.gpg(['--armor', '--encrypt', '--recipient', fingerprint], { input: 'hello' });
      expect(enc.code, enc.stderr).toBe(0);
    } finally {
      await home.cleanup();
    }
  });

  it.skipIf(!WKS_CLIENT)('answers WKD at the hash gpg-wks-client computes', async () => {
    const r = await run(WKS_CLIENT!, ['--print-wkd-hash', address]);
    expect(r.code, r.stderr).toBe(0);
    const [hash] = r.stdout.toString().trim().split(/\s+/);
    const local = address.split('@')[0]!;
    const res = await fetch(`${worker.url}/.well-known/openpgpkey/hu/${hash}?l=${local}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const home = createGpgHome();
    try {
      const imported = await home.gpg(['--import'], { input: new Uint8Array(await res.arrayBuffer()) });
      expect(imported.code, imported.stderr).toBe(0);
      const list = await home.gpg(['--with-colons', '--list-keys']);
      expect(colons(list.stdout, 'fpr')[0]![9]).toBe(fingerprint);
      expect(colons(list.stdout, 'uid').map((f) => f[9])).toEqual([`HKP Test <${address}>`]);
    } finally {
      await home.cleanup();
    }
  });
});
