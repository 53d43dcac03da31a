// Reader benchmark (docs/limits.md): readMessage on a 25 MB PGP/MIME mail and on each hostile
// input of the limits, side by side with gpg 2.2 on the same OpenPGP data, as ratios.
//
// Like with like: each read is its own process under /usr/bin/time (peak RSS). Ours is
// shared/reader/test/read-child.ts bundled for plain node (it also reports its in-process time
// and its own peak over its baseline, after modules and keys are loaded); gpg is `gpg --decrypt`
// of the same OpenPGP message (for a mail: the message inside it). Inputs gpg has no notion of
// (10,000 MIME parts) are given to gpg as they are and its exit code shown.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { encryptMessage, generateKey, unlockPrivateKey } from '../../shared/pgp/index.ts';
import {
  bigMail,
  compressionBomb,
  HEAD,
  literalOnly,
  mail,
  multipart,
  part,
  pgpMime,
  repeatedPkesk,
} from '../../shared/reader/test/mails.ts';
import { bundle, exec, measured, type Sample } from '../measure.ts';

const MiB = 1024 * 1024;
const CHILD = new URL('../../shared/reader/test/read-child.ts', import.meta.url).pathname;

interface Case {
  name: string;
  /** What our reader reads. */
  ours: string;
  /** What gpg decrypts: the same OpenPGP message, or the same file when there is none. */
  gpg: string;
  key: 'ecc' | 'rsa';
  repeats: number;
}

async function big(dir: string, bob: PrivateKey): Promise<Case[]> {
  const { eml, armored } = await bigMail(bob.toPublic());
  await writeFile(join(dir, 'big.eml'), eml);
  await writeFile(join(dir, 'big.asc'), armored);
  // The same OpenPGP message as the body of an inline-PGP mail.
  await writeFile(join(dir, 'inline.eml'), mail(HEAD, 'text/plain; charset=us-ascii', armored));
  return [
    { name: '25 MB PGP/MIME mail', ours: 'big.eml', gpg: 'big.asc', key: 'ecc', repeats: 3 },
    { name: '25 MB inline-PGP mail', ours: 'inline.eml', gpg: 'big.asc', key: 'ecc', repeats: 3 },
  ];
}

async function bomb(dir: string, bob: PrivateKey): Promise<Case> {
  await writeFile(join(dir, 'bomb.pgp'), await compressionBomb(bob.toPublic(), 120 * MiB));
  return { name: 'compressed 120 MB plaintext', ours: 'bomb.pgp', gpg: 'bomb.pgp', key: 'ecc', repeats: 1 };
}

async function hostile(dir: string, bob: PrivateKey, bobRsa: PrivateKey): Promise<Case[]> {
  const cases: Case[] = [];
  const write = async (file: string, data: string | Uint8Array) => writeFile(join(dir, file), data);
  const literal = await literalOnly('not encrypted at all\n');
  await write('literal.eml', pgpMime(HEAD, literal));
  await write('literal.asc', literal);
  cases.push({
    name: 'literal-only PGP/MIME',
    ours: 'literal.eml',
    gpg: 'literal.asc',
    key: 'ecc',
    repeats: 1,
  });
  for (const [label, key, kind] of [
    ['X25519', bob, 'ecc'],
    ['RSA-3072', bobRsa, 'rsa'],
  ] as const) {
    const armored = await encryptMessage('many doors\n', { recipients: [key.toPublic()] });
    await write(`pkesk-${kind}.pgp`, await repeatedPkesk(armored, 10_000));
    cases.push({
      name: `10,000 PKESKs ${label}`,
      ours: `pkesk-${kind}.pgp`,
      gpg: `pkesk-${kind}.pgp`,
      key: kind,
      repeats: 1,
    });
  }
  const armored = await encryptMessage('one part\n', { recipients: [bob.toPublic()] });
  await write(
    'parts.eml',
    mail(HEAD, 'multipart/mixed; boundary=m', multipart('m', Array(10_000).fill(part('text/plain', 'x')))),
  );
  cases.push({ name: '10,000 MIME parts', ours: 'parts.eml', gpg: 'parts.eml', key: 'ecc', repeats: 1 });
  const encPart = `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=e\r\n\r\n${multipart(
    'e',
    [part('application/pgp-encrypted', 'Version: 1'), part('application/octet-stream', armored.trim())],
  )}`;
  await write(
    'encparts.eml',
    mail(HEAD, 'multipart/mixed; boundary=m', multipart('m', Array(10_000).fill(encPart))),
  );
  cases.push({
    name: '10,000 multipart/encrypted parts',
    ours: 'encparts.eml',
    gpg: 'encparts.eml',
    key: 'ecc',
    repeats: 1,
  });
  await write('blocks.txt', Array(10_000).fill(armored).join('\n'));
  cases.push({ name: '10,000 inline blocks', ours: 'blocks.txt', gpg: 'blocks.txt', key: 'ecc', repeats: 1 });
  return cases;
}

function best(samples: Sample[]): Sample {
  return samples.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

export default async function run(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'noise-bench-reader-'));
  try {
    const [ecc, rsa] = await Promise.all([
      generateKey({ userIds: [{ email: 'bob@bench.invalid' }], passphrase: 'p' }),
      generateKey({ userIds: [{ email: 'bob@bench.invalid' }], passphrase: 'p', type: 'rsa3072' }),
    ]);
    const bob = await unlockPrivateKey(ecc.privateKey, 'p');
    const bobRsa = await unlockPrivateKey(rsa.privateKey, 'p');
    const keyFiles = { ecc: join(dir, 'ecc.json'), rsa: join(dir, 'rsa.json') };
    await writeFile(keyFiles.ecc, JSON.stringify({ decryption: [bob.armor()], verification: [] }));
    await writeFile(keyFiles.rsa, JSON.stringify({ decryption: [bobRsa.armor()], verification: [] }));
    const home = join(dir, 'gnupg');
    await mkdir(home, { mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: home };
    await writeFile(join(dir, 'keys.asc'), `${bob.armor()}\n${bobRsa.armor()}\n`);
    await exec('gpg', ['--batch', '--import', join(dir, 'keys.asc')], env);
    const child = await bundle(CHILD, dir, 'read-child');
    const cases = [...(await big(dir, bob)), await bomb(dir, bob), ...(await hostile(dir, bob, bobRsa))];
    const stats = join(dir, 'time.txt');
    const rows: string[] = [];
    for (const c of cases) {
      const ours: Sample[] = [];
      const theirs: Sample[] = [];
      for (let i = 0; i < c.repeats; i++) {
        ours.push(
          await measured(stats, process.execPath, ['--expose-gc', child, keyFiles[c.key], join(dir, c.ours)]),
        );
        theirs.push(
          await measured(
            stats,
            'gpg',
            [
              '--batch',
              '--quiet',
              '--yes',
              '--trust-model',
              'always',
              '-o',
              '/dev/null',
              '--decrypt',
              join(dir, c.gpg),
            ],
            env,
            true,
          ),
        );
      }
      const o = best(ours);
      const g = best(theirs);
      const report = JSON.parse(o.stdout.trim().split('\n').pop()!) as {
        outcome: string;
        peakKiB: number;
        baselineKiB: number;
      };
      const size = (await readFile(join(dir, c.ours))).length;
      rows.push(
        [
          c.name.padEnd(34),
          `${(size / MiB).toFixed(2)} MiB`.padStart(10),
          report.outcome.padEnd(44),
          `${Math.round(o.wallMs)} ms`.padStart(9),
          `${Math.round(o.rssKiB / 1024)} MiB`.padStart(9),
          `+${Math.round((report.peakKiB - report.baselineKiB) / 1024)} MiB`.padStart(9),
          `${Math.round(g.wallMs)} ms`.padStart(9),
          `${Math.round(g.rssKiB / 1024)} MiB`.padStart(9),
          `rc ${g.code}`.padStart(5),
          `${(o.wallMs / g.wallMs).toFixed(1)}×`.padStart(7),
          `${(o.rssKiB / g.rssKiB).toFixed(1)}×`.padStart(7),
        ].join(' '),
      );
    }
    const head = [
      'input'.padEnd(34),
      'size'.padStart(10),
      'our verdict'.padEnd(44),
      'ours'.padStart(9),
      'peak'.padStart(9),
      'read'.padStart(9),
      'gpg'.padStart(9),
      'peak'.padStart(9),
      'exit'.padStart(5),
      'time'.padStart(7),
      'memory'.padStart(7),
    ].join(' ');
    return [
      head,
      ...rows,
      '',
      'ours: whole node process (wall, peak RSS) and "read": peak RSS over the baseline after modules',
      'and keys loaded; gpg: whole process on the same OpenPGP message (the one inside a mail).',
      'Ratios are ours / gpg. Limits: docs/limits.md.',
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
