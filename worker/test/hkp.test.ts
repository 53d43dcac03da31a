// HKP (draft-gallagher-openpgp-hkp): op=get and the machine-readable op=index.

import { describe, expect, it } from 'vitest';
import { hkpEscape } from '../src/lookup/hkp-index.ts';
import { bodyText, call, registerAccount, userIdEmails } from './directory-support/accounts.ts';

describe('HKP', () => {
  it('op=get answers by address, 0xKEYID and 0xFPR', async () => {
    const a = await registerAccount();
    for (const search of [
      a.address,
      `0x${a.fingerprint.slice(-16)}`,
      `0x${a.fingerprint.toLowerCase()}`,
      `<${a.address}>`,
    ]) {
      const res = await call(`/pks/lookup?op=get&options=mr&search=${encodeURIComponent(search)}`);
      expect(res.status, search).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/pgp-keys');
      expect(await userIdEmails(await bodyText(res))).toEqual([a.address]);
    }
  });

  it('op=index answers the machine-readable index', async () => {
    const a = await registerAccount();
    const res = await call(`/pks/lookup?op=index&options=mr&search=${encodeURIComponent(a.address)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/plain/);
    const created = Math.floor(a.publicKey.getCreationTime().getTime() / 1000);
    // 22 = EdDSA (legacy), 255 bits (RFC 9580 §9.1)
    expect(await bodyText(res)).toBe(
      `info:1:1\npub:${a.fingerprint}:22:255:${created}::\nuid:Test User <${a.address}>:${created}::\n`,
    );
  });

  it('escapes colons, percent signs and non-ASCII in user IDs', () => {
    expect(hkpEscape('A:b%c <x@y>')).toBe('A%3Ab%25c <x@y>');
    expect(hkpEscape('Zoë')).toBe('Zo%C3%AB');
  });

  it('answers 404 for no match and 400 for bad queries', async () => {
    expect((await call('/pks/lookup?op=get&search=absent@noise.localhost')).status).toBe(404);
    expect((await call('/pks/lookup?op=index&options=mr&search=0x0123456789ABCDEF')).status).toBe(404);
    for (const q of [
      'op=get',
      'op=stats&search=a@b.c',
      'op=get&search=0x1234',
      'op=get&search=no%20address',
    ]) {
      const res = await call(`/pks/lookup?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.json()).toHaveProperty('error.code');
    }
  });
});
