// One verdict table, run through both surfaces (docs/verdicts.md, "one verdict everywhere"):
// each mail is made by gpg, read by the CLI (`noise decrypt`, a real process) and shown by the
// extension's read frame in Chromium and Firefox; both must give the same verdict class. The
// mails are encrypted to bob (the extension) and to a CLI key of the same gpg home.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { noise, split } from '../../cli/test/run-cli.ts';
import { BOB, eml, GPG_USER, gpgArmoredKey, MALLORY, type Scene } from './scene.ts';

const CLI_USER = 'reader-cli@example.org';

export interface VerdictCase {
  name: string;
  /** The mail as delivered to bob, and the class both surfaces must show. */
  mail: string;
  expected: string;
}

export interface VerdictTable {
  cases: VerdictCase[];
  /** The class `noise decrypt` gives for a mail. */
  cliClass(mail: string): Promise<string>;
  cleanup(): void;
}

async function gpgOut(scene: Scene, args: string[], input: string): Promise<string> {
  const out = await scene.gpg.gpg(args, { input });
  expect(out.code, out.stderr).toBe(0);
  return out.stdout.toString();
}

export async function buildVerdictTable(scene: Scene): Promise<VerdictTable> {
  const made = await scene.gpg.gpg(['--quick-generate-key', CLI_USER, 'ed25519', 'sign', 'never']);
  expect(made.code, made.stderr).toBe(0);
  const fpr = (await scene.gpg.gpg(['--with-colons', '--list-keys', CLI_USER])).stdout
    .toString()
    .split('\n')
    .find((l) => l.startsWith('fpr:'))
    ?.split(':')[9];
  await scene.gpg.gpg(['--quick-add-key', fpr ?? '', 'cv25519', 'encr', 'never']);
  const dir = mkdtempSync(join(tmpdir(), 'noise-verdict-table-'));
  const cliKey = join(dir, 'cli.key.asc');
  writeFileSync(cliKey, (await scene.gpg.gpg(['--armor', '--export-secret-keys', CLI_USER])).stdout);
  const signer = join(dir, 'signer.pub.asc');
  writeFileSync(signer, await gpgArmoredKey(scene, GPG_USER));

  const toBoth = ['--recipient', BOB, '--recipient', CLI_USER];
  const encryptedSigned = await gpgOut(
    scene,
    ['--armor', '--local-user', GPG_USER, ...toBoth, '--sign', '--encrypt'],
    'The meeting is at noon.\n',
  );
  // gpg --store: a literal data packet alone, armored as "PGP MESSAGE" (no key, no encryption).
  const literal = await gpgOut(
    scene,
    ['--armor', '--store', '-z', '0'],
    'Your account is locked: click here.\n',
  );
  const clearsigned = await gpgOut(
    scene,
    ['--local-user', GPG_USER, '--clearsign'],
    'I approve the budget.\n',
  );
  const cases: VerdictCase[] = [
    {
      name: 'gpg encrypted and signed by the sender',
      mail: eml(GPG_USER, BOB, 'Table 1', encryptedSigned),
      expected: 'encrypted signed-by-sender',
    },
    {
      name: 'gpg encrypted, signed by someone else than the From',
      mail: eml(MALLORY, BOB, 'Table 2', encryptedSigned),
      expected: 'encrypted signed-by-other',
    },
    {
      name: 'literal-only "PGP MESSAGE" (gpg --store)',
      mail: eml(GPG_USER, BOB, 'Table 3', literal),
      expected: 'claims-encryption unsigned [claims_encryption]',
    },
    {
      name: 'clearsigned text with unsigned text before it',
      mail: eml(GPG_USER, BOB, 'Table 4', `Also, wire 1000 EUR to Mallory.\n${clearsigned}`),
      expected: 'not-encrypted partly-signed-by-sender',
    },
  ];
  return {
    cases,
    async cliClass(mail) {
      const r = await noise(['decrypt', '--key', cliKey, '--verify-with', signer], mail, {
        NOISE_PASSPHRASE: 'x',
      });
      expect(r.code, r.stderr).toBe(0);
      return String(split(r.stdout).json.class);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
