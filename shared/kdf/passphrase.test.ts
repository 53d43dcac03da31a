import { readFileSync } from 'node:fs';
import { argon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.ts';
import {
  checkKdfParams,
  derivePassphraseKeys,
  KDF_DEFAULT_COST,
  type KdfParams,
  newKdfParams,
} from './passphrase.ts';
import { buildDerivationVectors } from './test/derivation-vectors.ts';

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'));
const rfc = read('rfc9106-argon2id.json');
const derivation = read('derivation.json');

const weak = { allowWeakParams: true };

describe('passphrase KDF', () => {
  it('the Argon2id primitive matches RFC 9106 §5.3', () => {
    const tag = argon2id(fromHex(rfc.password), fromHex(rfc.salt), {
      m: rfc.memoryKiB,
      t: rfc.passes,
      p: rfc.parallelism,
      dkLen: rfc.tagLength,
      key: fromHex(rfc.secret),
      personalization: fromHex(rfc.associatedData),
    });
    expect(toHex(tag)).toBe(rfc.tag);
  });

  it('the committed derivation vectors reproduce from their recorded construction', () => {
    expect(JSON.parse(JSON.stringify(buildDerivationVectors()))).toEqual(derivation);
  });

  it.each(
    derivation.cases as {
      name: string;
      passphrase: string;
      params: KdfParams;
      authKey: string;
      wrapKey: string;
    }[],
  )('derivePassphraseKeys gives the vector: $name', async (c) => {
    const keys = await derivePassphraseKeys(c.passphrase, c.params, weak);
    expect(toHex(keys.authKey)).toBe(c.authKey);
    expect(toHex(keys.wrapKey)).toBe(c.wrapKey);
    expect(c.authKey).not.toBe(c.wrapKey);
  });

  it('normalises to NFC: a decomposed passphrase gives the same keys', async () => {
    const c = derivation.cases[1];
    const decomposed = c.passphrase.normalize('NFD');
    expect(decomposed).not.toBe(c.passphrase);
    const keys = await derivePassphraseKeys(decomposed, c.params, weak);
    expect(toHex(keys.wrapKey)).toBe(c.wrapKey);
  });

  it('a different passphrase or salt gives different keys', async () => {
    const c = derivation.cases[0];
    const other = await derivePassphraseKeys(`${c.passphrase}!`, c.params, weak);
    expect(toHex(other.authKey)).not.toBe(c.authKey);
    const salted = await derivePassphraseKeys(
      c.passphrase,
      { ...c.params, salt: 'IiIiIiIiIiIiIiIiIiIiIg' },
      weak,
    );
    expect(toHex(salted.authKey)).not.toBe(c.authKey);
  });

  it('defaults to RFC 9106 §4 option 2 and a fresh 16-byte salt', () => {
    const a = newKdfParams();
    const b = newKdfParams();
    expect(a).toMatchObject({ v: 1, alg: 'argon2id', ...KDF_DEFAULT_COST });
    expect(a.salt).toHaveLength(22);
    expect(a.salt).not.toBe(b.salt);
  });

  it('refuses weak parameters unless allowWeakParams, absurd ones always, and malformed shapes', () => {
    const base = { v: 1, alg: 'argon2id', m: 65536, t: 3, p: 4, salt: 'AAAAAAAAAAAAAAAAAAAAAA' };
    expect(checkKdfParams(base)).toEqual(base);
    const code = (p: unknown, o = {}) => {
      try {
        checkKdfParams(p, o);
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code({ ...base, m: 1024 })).toBe('key_unusable');
    expect(code({ ...base, t: 1 })).toBe('key_unusable');
    expect(code({ ...base, m: 1024, t: 1 }, weak)).toBe('ok');
    expect(code({ ...base, m: 4 * 1024 * 1024 }, weak)).toBe('invalid_argument'); // 4 GiB: a DoS
    expect(code({ ...base, t: 1000 }, weak)).toBe('invalid_argument');
    expect(code({ ...base, p: 0 }, weak)).toBe('invalid_argument');
    expect(code({ ...base, m: 16, p: 4 }, weak)).toBe('invalid_argument'); // RFC 9106 §3.1: m ≥ 8p
    expect(code({ ...base, m: 65536.5 })).toBe('invalid_argument');
    expect(code({ ...base, salt: 'AAAA' })).toBe('malformed');
    expect(code({ ...base, salt: 'not base64!' })).toBe('malformed');
    expect(code({ ...base, extra: 1 })).toBe('malformed');
    expect(code({ ...base, alg: 'scrypt' })).toBe('unsupported');
    expect(code({ ...base, v: 2 })).toBe('unsupported');
    expect(code(null)).toBe('malformed');
  });

  it('refuses an empty passphrase', async () => {
    await expect(derivePassphraseKeys('', derivation.cases[0].params, weak)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
