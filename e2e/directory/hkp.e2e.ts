// Acceptance: the real gpg finds and imports a key published through our API, over HKP from
// `wrangler dev` on 127.0.0.1; the WKD path answers at the hash gpg-wks-client computes. Once the
// owner revokes it, re-uploading the key as it was before changes nothing: the HKP index carries
// the `r` flag and gpg --recv-keys brings the revocation to a correspondent who had the key.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
let accessToken: string;
/** The key as registered, before any revocation. */
let original: string;

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
  original = exported.stdout.toString();
  const registered = await registerAccount(worker.url, {
    address,
    openpgpKey: original,
    deviceName: 'hkp e2e',
  });
  expect(registered.fingerprint).toBe(fingerprint);
  accessToken = registered.session.accessToken;
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

/** An account route of the running Worker, with the owner's session. */
function accountPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${worker.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(body),
  });
}

describe('a revocation sticks', () => {
  it('gpg holders get the revocation, and re-uploading the unrevoked key changes nothing', async () => {
    const keyserver = ['--keyserver', `hkp://127.0.0.1:${worker.port}`];
    // A correspondent who imported the key while it was good.
    const correspondent = createGpgHome();
    const fresh = createGpgHome();
    try {
      const before = await correspondent.gpg([...keyserver, '--recv-keys', fingerprint]);
      expect(before.code, before.stderr).toBe(0);
      // The owner uploads the revocation certificate gpg made when it made the key.
      const stored = readFileSync(join(owner.dir, 'openpgp-revocs.d', `${fingerprint}.rev`), 'utf8');
      const certificate = stored.replace(/^:-----BEGIN/m, '-----BEGIN');
      const revoked = await accountPost('/api/v1/directory/revocation', { revocation: certificate });
      expect(revoked.status, await revoked.clone().text()).toBe(200);
      // Then someone with the account's session uploads the key as it was before.
      const reupload = await accountPost('/api/v1/directory/keys', { openpgpKey: original });
      expect(reupload.status).toBe(400);
      expect(((await reupload.json()) as { error: { code: string } }).error.code).toBe('key_unusable');

      // HKP index: the r flag, for gpg --search-keys too.
      const index = await (
        await fetch(`${worker.url}/pks/lookup?op=index&options=mr&search=${address}`)
      ).text();
      expect(index).toMatch(new RegExp(`^pub:${fingerprint}:[^\\n]*:r$`, 'm'));
      const search = await fresh.gpg(['--with-colons', ...keyserver, '--search-keys', address]);
      expect(search.code, search.stderr).toBe(0);
      expect(colons(search.stdout, 'pub')[0]![6]).toContain('r');

      // gpg --recv-keys brings the revocation to the correspondent's keyring…
      const refresh = await correspondent.gpg([...keyserver, '--recv-keys', fingerprint]);
      expect(refresh.code, refresh.stderr).toBe(0);
      const listed = await correspondent.gpg(['--with-colons', '--list-keys', fingerprint]);
      expect(colons(listed.stdout, 'pub')[0]![1]).toBe('r');
      const refused = await correspondent.gpg(['--armor', '--encrypt', '--recipient', fingerprint], {
        input: 'hello',
      });
      expect(refused.code).not.toBe(0);
      // …and a first import is revoked from the start.
      const first = await fresh.gpg([...keyserver, '--recv-keys', fingerprint]);
      expect(first.code, first.stderr).toBe(0);
      const firstList = await fresh.gpg(['--with-colons', '--list-keys', fingerprint]);
      expect(colons(firstList.stdout, 'pub')[0]![1]).toBe('r');
    } finally {
      await correspondent.cleanup();
      await fresh.cleanup();
    }
  });
});
