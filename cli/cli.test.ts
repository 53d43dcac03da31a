// The CLI as a real process: round trips, .eml, signatures, and bad input with its exit code.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEncryptedMime, generateKey, unlockPrivateKey } from '../shared/pgp/index.ts';
import { EXIT } from './exit-codes.ts';
import { noise, type Ran, split } from './test/run-cli.ts';

const BIN = new URL('./bin.mjs', import.meta.url).pathname;
let dir: string;

const p = (name: string) => join(dir, name);
const pw = () => ['--passphrase-file', p('pw')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'noise-cli-'));
  await writeFile(p('pw'), 'correct horse battery\n');
  await writeFile(p('wrong'), 'wrong horse\n');
  // Carol is made in process: a key that is not the recipient's, for the "not for me" case.
  const carol = await generateKey({
    userIds: [{ email: 'carol@example.org' }],
    passphrase: 'correct horse battery',
  });
  await writeFile(p('carol.key.asc'), carol.privateKey);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('noise CLI, OpenPGP', () => {
  beforeAll(async () => {
    const made = await Promise.all([
      noise([
        'keygen',
        '--format',
        'pgp',
        '--email',
        'alice@example.org',
        '--name',
        'Alice',
        '--out',
        p('alice'),
        ...pw(),
      ]),
      noise(['keygen', '--format', 'pgp', '--email', 'bob@example.org', '--out', p('bob'), ...pw()]),
    ]);
    for (const m of made) expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(made[0]!.stdout.toString()).fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('encrypts and signs to a key file; the recipient decrypts and verifies', async () => {
    const enc = await noise(
      ['encrypt', '--to', p('bob.pub.asc'), '--sign-with', p('alice.key.asc'), ...pw()],
      'hi Bob ✓\n',
    );
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stdout.toString()).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    await writeFile(p('m.asc'), enc.stdout);
    const dec = await noise(
      [
        'decrypt',
        '--key',
        p('bob.key.asc'),
        '--verify-with',
        p('alice.pub.asc'),
        '--from',
        'alice@example.org',
        ...pw(),
      ],
      `> quoted in a reply:\r\n${enc.stdout.toString().replace(/^/gm, '> ')}`,
    );
    expect(dec.code, dec.stderr).toBe(0);
    const { json, rest } = split(dec.stdout);
    // The reply text is not protected: a marker line before each part says what covers it.
    expect(rest).toBe(
      '--- noise: part 1 of 2: NOT PROTECTED: anyone could have written this ---\n> quoted in a reply:\n' +
        '--- noise: part 2 of 2: encrypted (pgp-inline), signed by Alice <alice@example.org> (valid) ---\nhi Bob ✓\n',
    );
    const verdict = json.verdict as {
      encrypted: boolean;
      signedBySender: boolean;
      signatures: { status: string }[];
    };
    expect((json.parts as { protection: { layer?: string } }[])[1]!.protection.layer).toBe('pgp-inline');
    expect(verdict.encrypted).toBe(true);
    expect(verdict.signatures[0]!.status).toBe('valid');
    expect(verdict.signedBySender).toBe(true);
    expect(json.class).toBe('partly-encrypted partly-signed-by-sender');
    expect(json.partial).toBe(true);
  });

  it('says "not for me" (exit 3) to another key, and "bad passphrase" (exit 5)', async () => {
    const notMine = await noise(['decrypt', '--key', p('carol.key.asc'), ...pw(), '--in', p('m.asc')]);
    expect(notMine.code).toBe(EXIT.notForMe);
    expect(notMine.stderr).toMatch(/^noise: not_for_me: .*\n$/);
    expect(notMine.stdout.length).toBe(0);
    const wrong = await noise([
      'decrypt',
      '--key',
      p('bob.key.asc'),
      '--passphrase-file',
      p('wrong'),
      '--in',
      p('m.asc'),
    ]);
    expect(wrong.code).toBe(EXIT.badPassphrase);
  });

  it('refuses a tampered message (exit 4) and prints no plaintext', async () => {
    const armored = await readFile(p('m.asc'), 'utf8');
    const lines = armored.split('\n');
    // Flip one base64 digit in the middle of the encrypted data.
    const i = Math.floor(lines.length / 2);
    lines[i] = lines[i]!.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    const r = await noise(['decrypt', '--key', p('bob.key.asc'), ...pw()], lines.join('\n'));
    expect([EXIT.tampered, EXIT.malformed]).toContain(r.code);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('decrypts a whole PGP/MIME .eml and reports its headers', async () => {
    const alice = await unlockPrivateKey(await readFile(p('alice.key.asc'), 'utf8'), 'correct horse battery');
    const eml = await buildEncryptedMime(
      {
        from: { address: 'alice@example.org' },
        to: [{ address: 'bob@example.org' }],
        subject: 'secret plans',
        text: 'meet at noon',
      },
      { signingKey: alice, recipients: [await readFile(p('bob.pub.asc'), 'utf8')] },
    );
    const r = await noise(
      ['open', '--key', p('bob.key.asc'), '--verify-with', p('alice.pub.asc'), ...pw()],
      eml,
    );
    expect(r.code, r.stderr).toBe(0);
    const { json, rest } = split(r.stdout);
    expect(json.source).toBe('eml');
    const verdict = json.verdict as Record<string, unknown>;
    expect(verdict.signedBySender).toBe(true);
    expect((json.headers as { subject: string }).subject).toBe('secret plans');
    expect(rest.trim()).toBe('meet at noon');
  });

  it('signs and verifies cleartext and detached signatures; a changed text fails with exit 8', async () => {
    const signed = await noise(['sign', '--key', p('alice.key.asc'), ...pw()], 'I agree.\n- dash line\n');
    expect(signed.code, signed.stderr).toBe(0);
    const ok = await noise(['verify', '--with', p('alice.pub.asc')], signed.stdout);
    expect(ok.code, ok.stderr).toBe(0);
    expect(split(ok.stdout).rest).toBe('I agree.\n- dash line\n');
    const changed = await noise(
      ['verify', '--with', p('alice.pub.asc')],
      signed.stdout.toString().replace('agree', 'agreed'),
    );
    expect(changed.code).toBe(EXIT.badSignature);

    const data = new Uint8Array([0, 1, 2, 255, 13, 10]);
    await writeFile(p('data.bin'), data);
    const detached = await noise([
      'sign',
      '--key',
      p('alice.key.asc'),
      '--detached',
      '--binary',
      '--in',
      p('data.bin'),
      ...pw(),
    ]);
    expect(detached.code, detached.stderr).toBe(0);
    await writeFile(p('data.sig'), detached.stdout);
    const good = await noise([
      'verify',
      '--with',
      p('alice.pub.asc'),
      '--signature',
      p('data.sig'),
      '--in',
      p('data.bin'),
    ]);
    expect(good.code, good.stderr).toBe(0);
    const bad = await noise(
      ['verify', '--with', p('alice.pub.asc'), '--signature', p('data.sig')],
      new Uint8Array([0, 1, 2]),
    );
    expect(bad.code).toBe(EXIT.badSignature);
  });
});

describe('noise CLI, envelope', () => {
  const weak = { NOISE_ALLOW_WEAK_KDF: '1' };

  it('round-trips an envelope between two identity files (key files sealed by the vault)', async () => {
    const made = await Promise.all(
      ['alice', 'bob'].map((w) =>
        noise(
          [
            'keygen',
            '--format',
            'envelope',
            '--email',
            `${w}@example.org`,
            '--kdf',
            'weak',
            '--out',
            p(`${w}-env`),
            ...pw(),
          ],
          '',
          weak,
        ),
      ),
    );
    for (const m of made) expect(m.code, m.stderr).toBe(0);
    const secret = JSON.parse(await readFile(p('bob-env.noise-key.json'), 'utf8'));
    expect(secret.vault.kdf.alg).toBe('argon2id');
    expect(JSON.stringify(secret)).not.toMatch(/dhSecret|signingSecret/);

    const enc = await noise(
      [
        'encrypt',
        '--format',
        'envelope',
        '--to',
        p('bob-env.noise-pub.json'),
        '--sign-with',
        p('alice-env.noise-key.json'),
        ...pw(),
      ],
      'envelope body',
      weak,
    );
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stdout.toString()).toMatch(/^-----BEGIN NOISE ENVELOPE-----\n/);
    await writeFile(p('e.asc'), enc.stdout);
    const dec = await noise(
      ['decrypt', '--key', p('bob-env.noise-key.json'), ...pw(), '--in', p('e.asc')],
      undefined,
      weak,
    );
    expect(dec.code, dec.stderr).toBe(0);
    const { json, rest } = split(dec.stdout);
    expect(rest).toBe('envelope body');
    const verdict = (json.envelopes as { sender: { address: string }; oneTimePrekeyUsed: boolean }[])[0]!;
    expect(verdict.sender.address).toBe('alice@example.org');
    expect(verdict.oneTimePrekeyUsed).toBe(false);

    // A truncated envelope and a weak-KDF file opened without the switch both fail clearly.
    const armored = enc.stdout.toString().split('\n');
    const truncated = [...armored.slice(0, 3), ...armored.slice(-2)].join('\n');
    const cut = await noise(['decrypt', '--key', p('bob-env.noise-key.json'), ...pw()], truncated, weak);
    expect([EXIT.malformed, EXIT.tampered]).toContain(cut.code);
    expect(cut.stdout.length).toBe(0);
    const refused = await noise([
      'decrypt',
      '--key',
      p('bob-env.noise-key.json'),
      ...pw(),
      '--in',
      p('e.asc'),
    ]);
    expect(refused.code).toBe(EXIT.keyUnusable);
  });
});

describe('noise CLI, bad input', () => {
  it('gives one line on stderr and the right exit code', async () => {
    const cases: [string[], string, number][] = [
      [['frobnicate'], '', EXIT.usage],
      [['encrypt', '--bogus'], '', EXIT.usage],
      [['encrypt', '--to', 'someone@example.org'], 'x', EXIT.usage],
      [['decrypt'], 'no armor in here at all', EXIT.malformed],
      [
        ['decrypt'],
        '-----BEGIN PGP MESSAGE-----\n\nwcBMA!!!garbage\n-----END PGP MESSAGE-----\n',
        EXIT.malformed,
      ],
      [['verify', '--with', join(tmpdir(), 'noise-no-such-file.asc')], '', EXIT.notFound],
      [['lookup', 'bob@example.org', '--directory', 'http://127.0.0.1:9'], '', EXIT.directory],
    ];
    const runs = await Promise.all(cases.map(([args, input]) => noise(args, input)));
    runs.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(' ')}: ${r.stderr}`).toBe(cases[i]![2]);
      expect(r.stderr).toMatch(/^noise: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    });
  });

  it('runs through the package bin (tsx launcher)', async () => {
    const r = await new Promise<Ran>((resolve) => {
      execFile(process.execPath, [BIN, 'help'], { encoding: 'buffer' }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr: stderr.toString() }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/^noise: end-to-end encrypted mail/);
  });
});
