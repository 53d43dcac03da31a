// Support for the extension e2e suite: the verification code from the .eml wrangler wrote,
// a contact published straight through the Worker API, and a gpg-made secret key.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { KDF_DEFAULTS } from '../../shared/api/accounts.ts';
import { toBase64Url, utf8 } from '../../shared/encoding.ts';
import { generateKey } from '../../shared/pgp/keys.ts';

const b64u = (n: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(n)));

/** Polls wrangler's log for a sent .eml addressed to `to` and returns the 6-digit code in it. */
export async function verificationCode(log: string[], to: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of log) {
      for (const path of line.match(/\/\S+\.eml/g) ?? []) {
        if (!existsSync(path)) continue;
        const mail = await PostalMime.parse(readFileSync(path, 'utf8'));
        if (!mail.to?.some((a) => a.address?.toLowerCase() === to.toLowerCase())) continue;
        const code = mail.subject?.match(/\b(\d{6})\b/)?.[1];
        if (code) return code;
      }
    }
    if (Date.now() > deadline)
      throw new Error(`no verification mail to ${to} in wrangler's log:\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Registers a service-domain inbox (no mail round trip) with a fresh PGP key; returns a key replacer. */
export async function publishContact(base: string, address: string) {
  const first = await generateKey({ userIds: [{ email: address }], passphrase: 'contact' });
  const registered = (await post(`${base}/api/v1/accounts`, {
    address,
    kdf: { ...KDF_DEFAULTS, salt: b64u(16) },
    authKey: b64u(32),
    vault: toBase64Url(utf8('{}')),
    keys: { openpgpKey: first.publicKey },
    deviceName: 'e2e contact',
  })) as { session: { accessToken: string } };
  return {
    fingerprint: first.fingerprint,
    /** Publishes a different key for the same address (the directory moves the binding). */
    async replaceKey(): Promise<string> {
      const next = await generateKey({ userIds: [{ email: address }], passphrase: 'contact' });
      await post(
        `${base}/api/v1/directory/keys`,
        { openpgpKey: next.publicKey },
        registered.session.accessToken,
      );
      return next.fingerprint;
    },
  };
}

/** A real gpg 2.2 secret key (Ed25519 + Cv25519) in an isolated GNUPGHOME, exported armored. */
export function gpgSecretKey(address: string, passphrase: string): { armored: string; fingerprint: string } {
  const home = mkdtempSync(join(tmpdir(), 'noise-gpg-'));
  const gpg = (...args: string[]) =>
    execFileSync(
      'gpg',
      ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  gpg('--quick-gen-key', `E2E Imported <${address}>`, 'future-default', 'default', 'never');
  const colons = gpg('--with-colons', '--list-secret-keys', address);
  const fingerprint = colons.match(/^fpr:+([0-9A-F]{40}):/m)?.[1];
  if (!fingerprint) throw new Error('gpg made no key');
  return { armored: gpg('--armor', '--export-secret-keys', fingerprint), fingerprint };
}
