// The relay seal (docs/spec/relay-v1.md §3): it opens only with the relay's key and only for the
// envelope it was sealed for; every other input is refused with its own kind of error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { HEADER_LENGTH } from './labels.ts';
import { openRelaySeal, relayAad, sealForRelay } from './seal.ts';
import { deriveRelayKeyPair } from './suite.ts';

const ikm = (fill: number) => new Uint8Array(32).fill(fill);
const relay = await deriveRelayKeyPair(ikm(7));
const other = await deriveRelayKeyPair(ikm(8));
const envelope = { from: 'alice@noise.test', to: ['dave@example.org', 'erin@example.net'] };
const message = utf8('From: alice@noise.test\r\nSubject: hello\r\n\r\nCANARY-relay-seal\r\n');

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    return isNoiseError(e) ? e.code : `unexpected: ${String(e)}`;
  }
}

describe('relay seal', () => {
  it('opens with the relay key for the same envelope', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    expect(await openRelaySeal(sealed, envelope, [relay])).toEqual(message);
    // The sealed bytes carry no plaintext.
    expect(new TextDecoder('latin1').decode(sealed)).not.toContain('CANARY');
  });

  it('opens with the previous key during a rotation, not with an unrelated one', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    expect(await openRelaySeal(sealed, envelope, [other, relay])).toEqual(message);
    expect(await kindOf(openRelaySeal(sealed, envelope, [other]))).toBe('not_for_me');
  });

  it('a key that claims the right key id but is another key fails as tampered', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    const impostor = { ...other, keyId: relay.keyId };
    expect(await kindOf(openRelaySeal(sealed, envelope, [impostor]))).toBe('tampered');
  });

  it('binds the From and every recipient, in order (AAD, §3.3)', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    const variants = [
      { from: 'mallory@noise.test', to: envelope.to },
      { from: envelope.from, to: ['dave@example.org'] },
      { from: envelope.from, to: [...envelope.to, 'mallory@evil.example'] },
      { from: envelope.from, to: ['erin@example.net', 'dave@example.org'] },
      { from: envelope.from, to: ['dave@example.org', 'erin@example.neT'] },
    ];
    for (const v of variants) expect(await kindOf(openRelaySeal(sealed, v, [relay]))).toBe('tampered');
  });

  it('keeps malformed, unsupported and tampered apart', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    expect(await kindOf(openRelaySeal(sealed.slice(0, HEADER_LENGTH + 15), envelope, [relay]))).toBe(
      'malformed',
    );
    const badMagic = sealed.slice();
    badMagic[0] = 0x41;
    expect(await kindOf(openRelaySeal(badMagic, envelope, [relay]))).toBe('malformed');
    const v2 = sealed.slice();
    v2[3] = 2;
    expect(await kindOf(openRelaySeal(v2, envelope, [relay]))).toBe('unsupported');
    const truncated = sealed.slice(0, sealed.length - 1);
    expect(await kindOf(openRelaySeal(truncated, envelope, [relay]))).toBe('tampered');
  });

  it('property: any single flipped bit of a seal fails, never yields plaintext', async () => {
    const sealed = await sealForRelay(message, envelope, relay);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), async (bit) => {
        const bad = sealed.slice();
        bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const kind = await kindOf(openRelaySeal(bad, envelope, [relay]));
        expect(['malformed', 'unsupported', 'not_for_me', 'tampered']).toContain(kind);
      }),
      { numRuns: 200 },
    );
  });

  it('property: any message and envelope round-trip; another envelope never opens', async () => {
    const address = fc.stringMatching(/^[a-z0-9._-]{1,20}@[a-z0-9-]{1,20}\.[a-z]{2,6}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        address,
        fc.uniqueArray(address, { minLength: 1, maxLength: 5 }),
        address,
        async (body, from, to, stranger) => {
          const sealed = await sealForRelay(body, { from, to }, relay);
          expect(await openRelaySeal(sealed, { from, to }, [relay])).toEqual(body);
          if (!to.includes(stranger))
            expect(await kindOf(openRelaySeal(sealed, { from, to: [...to, stranger] }, [relay]))).toBe(
              'tampered',
            );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses envelopes it could not encode unambiguously', () => {
    expect(() => relayAad(new Uint8Array(12), { from: 'a\0b@x', to: ['c@d'] })).toThrow();
    expect(() => relayAad(new Uint8Array(12), { from: 'a@b', to: [] })).toThrow();
    expect(() => relayAad(new Uint8Array(12), { from: 'a@b', to: Array(51).fill('c@d') })).toThrow();
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    await expect(deriveRelayKeyPair(new Uint8Array(31))).rejects.toThrow();
  });
});
