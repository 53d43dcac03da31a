import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../encoding.ts';
import { ARMOR_BEGIN, ARMOR_END } from '../envelope/labels.ts';
import { findArmor } from './index.ts';
import { arbitraryDamage, htmlEscaped, oddSpaces, quote, quotedPrintable } from './test/damage.ts';

let privateKey: openpgp.PrivateKey;
let publicKey: openpgp.PublicKey;

beforeAll(async () => {
  const keys = await openpgp.generateKey({
    userIDs: [{ name: 'Ann', email: 'ann@example.org' }],
    format: 'object',
  });
  privateKey = keys.privateKey;
  publicKey = keys.publicKey;
});

async function unarmoredBytes(armored: string): Promise<Uint8Array> {
  const { data } = await openpgp.unarmor(armored);
  return data instanceof Uint8Array ? data : new Uint8Array(0);
}

function envelopeArmor(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

function envelopeBytes(armored: string): Uint8Array {
  return fromBase64(
    armored
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('-----'))
      .join(''),
  );
}

// Prose around the block; it never holds a BEGIN line, so the only block found is ours.
const prose = fc
  .array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 4 })
  .map((ls) => ls.join('\n'));
const bodyText = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 2000 });

describe('findArmor on damaged real armor', () => {
  it('finds an encrypted message or public key exactly once, decoding to the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message' as const, 'key' as const),
        bodyText,
        arbitraryDamage({ signed: false }),
        prose,
        prose,
        async (what, text, damage, before, after) => {
          const armored =
            what === 'key'
              ? publicKey.armor()
              : await openpgp.encrypt({
                  message: await openpgp.createMessage({ text }),
                  encryptionKeys: publicKey,
                });
          const mail = `${before}\n${damage.apply(armored)}\n${after}`;
          const found = findArmor(mail);
          expect(found, damage.names.join(' ')).toHaveLength(1);
          expect(found[0]!.kind).toBe(what === 'key' ? 'pgp-public-key' : 'pgp-message');
          expect(await unarmoredBytes(found[0]!.armored)).toEqual(await unarmoredBytes(armored));
          expect(mail.slice(found[0]!.start, found[0]!.start + 10)).toBe('-----BEGIN');
          expect(mail[found[0]!.end - 1]).toBe('-');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds a cleartext-signed message whose repaired text still verifies', async () => {
    const lines = fc.array(
      fc.string({ unit: fc.constantFrom(...'ab Zé=&<>-:.\t'.split('')), maxLength: 50 }),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    await fc.assert(
      fc.asyncProperty(lines, arbitraryDamage({ signed: true }), prose, async (textLines, damage, before) => {
        const text = textLines.join('\n').trim() === '' ? 'x' : textLines.join('\n');
        const message = await openpgp.createCleartextMessage({ text });
        const armored = await openpgp.sign({ message, signingKeys: privateKey });
        const found = findArmor(`${before}\n${damage.apply(armored)}\nbye`);
        expect(found, damage.names.join(' ')).toHaveLength(1);
        expect(found[0]!.kind).toBe('pgp-signed');
        const repaired = await openpgp.readCleartextMessage({ cleartextMessage: found[0]!.armored });
        expect(repaired.getText()).toBe(message.getText());
        const verdict = await openpgp.verify({ message: repaired, verificationKeys: publicKey });
        await expect(verdict.signatures[0]!.verified).resolves.toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('finds an envelope exactly once, decoding to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        arbitraryDamage({ signed: false }),
        prose,
        (bytes, damage, before) => {
          const found = findArmor(`${before}\n${damage.apply(envelopeArmor(bytes))}\n`);
          expect(found, damage.names.join(' ')).toHaveLength(1);
          expect(found[0]!.kind).toBe('envelope');
          expect(envelopeBytes(found[0]!.armored)).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds several blocks in order, with offsets into the input', async () => {
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'x' }),
      encryptionKeys: publicKey,
    });
    const key = publicKey.armor();
    const mail = `Hi,\r\n${quote(2, 'spaced')(msg)}\r\nand my key:\r\n${key}\r\n-- \r\nAnn`;
    const found = findArmor(mail);
    expect(found.map((f) => f.kind)).toEqual(['pgp-message', 'pgp-public-key']);
    expect(found[0]!.end).toBeLessThan(found[1]!.start);
    expect(mail.slice(found[1]!.start, found[1]!.end)).toBe(key.trimEnd().replace(/\n/g, '\n'));
  });
});

describe('cleartext signatures: what is normalized', () => {
  async function signed(text: string): Promise<string> {
    return openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey });
  }

  it('keeps dash-escaped lines escaped and text that only looks damaged', async () => {
    const armored = await signed('- item\n-----BEGIN PGP MESSAGE-----\na=3Db &amp; c\u00a0d <b>');
    const found = findArmor(armored);
    expect(found).toHaveLength(1);
    expect(found[0]!.armored).toContain('\n- - item\n- -----BEGIN PGP MESSAGE-----\n');
    // No armor line shows entities, odd spaces or quoted-printable, and the bare `<` says the
    // text was never HTML-escaped: none of it is undone in the signed text.
    expect(found[0]!.armored).toContain('a=3Db &amp; c\u00a0d <b>');
  });

  it('undoes damage that the armor lines prove: NBSP, quoted-printable, entities', async () => {
    const text = 'caf\u00e9 = 1 < 2';
    const armored = await signed(text);
    for (const damage of [oddSpaces('\u00a0'), quotedPrintable(40), htmlEscaped('&#61;')]) {
      const found = findArmor(damage(armored));
      const repaired = await openpgp.readCleartextMessage({ cleartextMessage: found[0]!.armored });
      expect(repaired.getText()).toBe(text);
    }
  });

  it('restores a blank line removed after the Hash header', async () => {
    const armored = (await signed('hello')).replace(/(Hash: \w+\n)\n/, '$1');
    const found = findArmor(armored);
    const verdict = await openpgp.verify({
      message: await openpgp.readCleartextMessage({ cleartextMessage: found[0]!.armored }),
      verificationKeys: publicKey,
    });
    await expect(verdict.signatures[0]!.verified).resolves.toBe(true);
  });
});

describe('findArmor on arbitrary text', () => {
  it('finds nothing in random text and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        expect(findArmor(text)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on fragments of armor shuffled together, and every hit is well-formed', () => {
    const fragment = fc.constantFrom(
      '-----BEGIN PGP MESSAGE-----',
      '-----END PGP MESSAGE-----',
      '-----BEGIN PGP SIGNED MESSAGE-----',
      '-----BEGIN PGP SIGNATURE-----',
      '-----END PGP SIGNATURE-----',
      ARMOR_BEGIN,
      ARMOR_END,
      'Hash: SHA256',
      'Version: x',
      'wcFMA+abc/==',
      '=3D',
      '=',
      '&gt;',
      '&#',
      '> ',
      '\n',
      '\r',
      '\u00a0',
      ' ',
      'zzzz',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        for (const f of findArmor(text)) {
          expect(text.slice(f.start, f.start + 10)).toBe('-----BEGIN');
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.armored.startsWith('-----BEGIN ')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  function cpuMillis(input: string): number {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const before = process.cpuUsage();
      findArmor(input);
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return best;
  }

  it('reads 1 MB of mail with armor in it in under 50 ms', async () => {
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'x'.repeat(3000) }),
      encryptionKeys: publicKey,
    });
    const chunk = `Some prose -- with dashes ----- and = signs=\n> quoted &gt; text\n${quote(1, 'spaced')(msg)}\nmore prose\n`;
    const mail = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
    expect(findArmor(mail).length).toBe(Math.ceil(1_000_000 / chunk.length));
    // CPU time, not wall time: the machine is shared, and waiting for a core is not our cost.
    expect(cpuMillis(mail)).toBeLessThan(50);
  });

  it('takes linear time on adversarial input (dangling BEGINs, dashes, endless bodies)', () => {
    const makers = [
      (n: number) => '-----BEGIN PGP MESSAGE-----\n'.repeat(n / 28),
      (n: number) => '-----'.repeat(n / 5),
      (n: number) => `-----BEGIN NOISE ENVELOPE-----\n${'QUJD=\n'.repeat(n / 6)}`,
      (n: number) => '> -----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n'.repeat(n / 52),
    ];
    for (const make of makers) {
      const small = cpuMillis(make(250_000));
      const large = cpuMillis(make(1_000_000));
      // Four times the input: linear is 4×, quadratic 16×; allow for timer granularity.
      expect(large, make(40)).toBeLessThan(Math.max(8 * small, 10));
    }
  });
});
