// Autocrypt Level 1 (§2.1, §2.1.1): our header carries exactly the five-packet minimal key for the
// sender's address, parses back with the one parser inbound mail uses, and openpgp.js reads the
// key as a working certificate. The fuller interop check (gpg importing it from a real .eml) is in
// e2e/relay.
import * as openpgp from 'openpgp';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { fromBase64, utf8 } from '../encoding.ts';
import { autocryptHeader, minimalKey, parseAutocrypt } from './autocrypt.ts';
import { prepareSend } from './compose.ts';

const ADDR = 'alice@noise.test';

async function busyKey() {
  // Two user IDs, two encryption subkeys, a third-party certification: the minimal key keeps one
  // of each and drops the rest.
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: 'old@elsewhere.test' }, { email: ADDR }],
    subkeys: [{}, {}],
    format: 'object',
  });
  const { privateKey: certifier } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: 'ca@x.test' }],
    format: 'object',
  });
  return privateKey.signAllUsers([certifier]).then((k) => k as openpgp.PrivateKey);
}

const TAGS = [
  openpgp.enums.packet.publicKey,
  openpgp.enums.packet.userID,
  openpgp.enums.packet.signature,
  openpgp.enums.packet.publicSubkey,
  openpgp.enums.packet.signature,
];

/** The tags of a binary packet sequence, read from the packet headers (RFC 9580 §4.2). */
function packetTags(bytes: Uint8Array): number[] {
  const tags: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i++]!;
    if (!(b & 0x80)) throw new Error('not a packet header');
    let length: number;
    if (b & 0x40) {
      tags.push(b & 0x3f);
      const l0 = bytes[i++]!;
      if (l0 < 192) length = l0;
      else if (l0 < 224) length = ((l0 - 192) << 8) + bytes[i++]! + 192;
      else if (l0 === 255) {
        length = new DataView(bytes.buffer, bytes.byteOffset + i, 4).getUint32(0);
        i += 4;
      } else throw new Error('partial lengths do not occur in keys');
    } else {
      tags.push((b >> 2) & 0x0f);
      const n = [1, 2, 4][b & 3]!;
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + bytes[i++]!;
    }
    i += length;
  }
  return tags;
}

describe('Autocrypt header', () => {
  it('carries the five-packet minimal key for the sender address (§2.1.1)', async () => {
    const key = await busyKey();
    const [name, value] = await autocryptHeader(key, ADDR);
    expect(name).toBe('Autocrypt');
    const hint = parseAutocrypt(value.replace(/\r\n[ \t]/g, ' '));
    expect(hint).toMatchObject({ addr: ADDR, preferEncrypt: 'mutual' });
    const binary = fromBase64(hint!.keydata);
    expect(packetTags(binary)).toEqual(TAGS);
    const read = await openpgp.readKey({ binaryKey: binary });
    expect(read.isPrivate()).toBe(false);
    expect(read.getFingerprint()).toBe(key.getFingerprint());
    expect(read.users.map((u) => u.userID?.email)).toEqual([ADDR]);
    expect(read.users[0]?.otherCertifications).toEqual([]);
    expect(read.subkeys).toHaveLength(1);
    await expect(read.verifyPrimaryKey()).resolves.toBeUndefined();
    // The one subkey kept is the one a sender would encrypt to.
    expect((await read.getEncryptionKey()).getKeyID().equals((await key.getEncryptionKey()).getKeyID())).toBe(
      true,
    );
    // Message to the minimal key decrypts with the full private key.
    const msg = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'hi' }),
      encryptionKeys: read,
    });
    const out = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: msg }),
      decryptionKeys: key,
    });
    expect(out.data).toBe('hi');
  });

  it('folds keydata so no header line exceeds 78 characters (RFC 5322 §2.1.1)', async () => {
    const [, value] = await autocryptHeader(await busyKey(), ADDR);
    for (const line of `Autocrypt: ${value}`.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('refuses a key without a user ID for the address, and a non-address', async () => {
    const key = await busyKey();
    await expect(minimalKey(key, 'stranger@noise.test')).rejects.toMatchObject({ code: 'key_unusable' });
    await expect(autocryptHeader(key, 'a; b=c')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('survives a real message: postal-mime unfolds it and the parser gets the same key', async () => {
    const key = await busyKey();
    const sent = await prepareSend(
      {
        content: { from: { address: ADDR }, to: [{ address: 'dave@example.org' }], subject: 's', text: 't' },
        signingKey: key,
      },
      { mode: 'encrypted', recipientKeys: [key.toPublic()] },
    );
    const mail = await PostalMime.parse(sent.mime);
    const headers = mail.headers.filter((h) => h.key === 'autocrypt');
    expect(headers).toHaveLength(1);
    const hint = parseAutocrypt(headers[0]!.value);
    expect(hint?.keydata).toBe(
      parseAutocrypt((await autocryptHeader(key, ADDR))[1].replace(/\r\n /g, ' '))?.keydata,
    );
    expect(utf8(hint!.keydata).length).toBeLessThan(2000);
  });

  it('parser: ignores headers §2.1 says to ignore', () => {
    expect(parseAutocrypt('addr=a@b; keydata=AAAA')).toMatchObject({
      addr: 'a@b',
      preferEncrypt: 'nopreference',
    });
    expect(parseAutocrypt('addr=a@b; keydata=AAAA; critical=1')).toBeNull();
    expect(parseAutocrypt('addr=a@b; keydata=AAAA; _extra=1')).not.toBeNull();
    expect(parseAutocrypt('addr=a@b; addr=c@d; keydata=AAAA')).toBeNull();
    expect(parseAutocrypt('keydata=AAAA')).toBeNull();
    expect(parseAutocrypt('addr=a@b; keydata=!!!')).toBeNull();
  });
});
