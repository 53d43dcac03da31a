// Attack regressions for OpenPGP reads: EFAIL-style unauthenticated data, tampering, wrong keys.
import fc from 'fast-check';
import {
  encryptSessionKey,
  enums,
  LiteralDataPacket,
  PacketList,
  type PrivateKey,
  readKey,
  readMessage,
  SymEncryptedIntegrityProtectedDataPacket,
  SymmetricallyEncryptedDataPacket,
} from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { encryptMessage } from './encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from './keys.ts';
import { decryptMessage } from './message.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ email: 'bob@example.net' }], passphrase: 'b' }),
  ]);
  [aliceKey, bobKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
  ]);
});

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await errorOf(p);
  expect(isNoiseError(err), `expected NoiseError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
}

/**
 * A message whose body is a Symmetrically Encrypted Data packet (tag 9, RFC 9580 §5.7: no MDC),
 * with a proper PKESK to Bob: everything is right except the missing integrity protection.
 */
async function buildSedMessage(text: string): Promise<Uint8Array> {
  const sessionKey = crypto.getRandomValues(new Uint8Array(32));
  const bobPublic = await readKey({ armoredKey: bob.publicKey });
  const header = await encryptSessionKey({
    data: sessionKey,
    algorithm: 'aes256',
    encryptionKeys: bobPublic,
    format: 'object',
  });
  const literal = new LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: enums.literal): void }).setBytes(
    utf8(text),
    enums.literal.binary,
  );
  const sed = new SymmetricallyEncryptedDataPacket() as unknown as {
    packets: PacketList<LiteralDataPacket>;
    encrypt(algo: enums.symmetric, key: Uint8Array): Promise<void>;
  };
  sed.packets = new PacketList();
  sed.packets.push(literal);
  await sed.encrypt(enums.symmetric.aes256, sessionKey);
  header.packets.push(sed as never);
  return header.write() as Uint8Array;
}

describe('integrity', () => {
  it('refuses Symmetrically Encrypted Data without MDC (EFAIL)', async () => {
    const sed = await buildSedMessage('attacker-malleable plaintext');
    const parsed = await readMessage({ binaryMessage: sed });
    expect(parsed.packets.some((p) => p instanceof SymmetricallyEncryptedDataPacket)).toBe(true);
    await expectCode(decryptMessage(sed, { decryptionKeys: [bobKey] }), 'no_integrity');
  });

  it('rejects any flipped byte inside the encrypted data packet, returning no plaintext (property)', async () => {
    const original = 'The wire transfer goes to account 12345.';
    const binary = await encryptMessage(original, {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
      encryptToSelf: false,
      armor: false,
    });
    const parsed = await readMessage({ binaryMessage: binary });
    const seipd = parsed.packets.find((p) => p instanceof SymEncryptedIntegrityProtectedDataPacket);
    expect(seipd).toBeDefined();
    const body = (seipd as unknown as { write(): Uint8Array }).write();
    const start = binary.length - body.length; // the SEIPD packet is last; its body ends the message
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: start - 2, max: binary.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const tampered = binary.slice();
          tampered[i]! ^= x;
          const err = await errorOf(
            decryptMessage(tampered, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] }),
          );
          expect(isNoiseError(err), `flip at ${i} ^${x} did not fail cleanly: ${String(err)}`).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never returns other plaintext when any byte of the message is flipped (property)', async () => {
    const original = 'short and sweet';
    const binary = await encryptMessage(original, {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
      encryptToSelf: false,
      armor: false,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: binary.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const tampered = binary.slice();
          tampered[i]! ^= x;
          const result = await decryptMessage(tampered, {
            decryptionKeys: [bobKey],
            verificationKeys: [alice.publicKey],
          }).then(
            (r) => r,
            (e: unknown) => {
              expect(isNoiseError(e)).toBe(true);
              return null;
            },
          );
          // A few header bits are not bound to the ciphertext (for example bit 255 of the X25519
          // ephemeral point, masked by RFC 7748 §5); such a flip may still open, but only to the
          // original, fully verified plaintext.
          if (result) {
            expect(new TextDecoder().decode(result.data)).toBe(original);
            expect(result.verdict.signatures[0]!.status).toBe('valid');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a truncated message', async () => {
    const binary = await encryptMessage('truncate me', {
      recipients: [bob.publicKey],
      armor: false,
      signingKey: aliceKey,
    });
    const err = await errorOf(
      decryptMessage(binary.subarray(0, binary.length - 5), { decryptionKeys: [bobKey] }),
    );
    expect(isNoiseError(err)).toBe(true);
    expect(['tampered', 'malformed']).toContain((err as { code: string }).code);
  });
});

describe('bad input', () => {
  it('garbage armor is malformed', async () => {
    await expectCode(
      decryptMessage('-----BEGIN PGP MESSAGE-----\n\n!!!!\n-----END PGP MESSAGE-----\n', {
        decryptionKeys: [bobKey],
      }),
      'malformed',
    );
    await expectCode(decryptMessage('hello world', { decryptionKeys: [bobKey] }), 'malformed');
    await expectCode(
      decryptMessage(new Uint8Array([0xff, 0x00, 0x13]), { decryptionKeys: [bobKey] }),
      'malformed',
    );
  });

  it('a message for someone else is not_for_me', async () => {
    const armored = await encryptMessage('not yours', { recipients: [alice.publicKey] });
    await expectCode(decryptMessage(armored, { decryptionKeys: [bobKey] }), 'not_for_me');
    await expectCode(decryptMessage(armored, { decryptionKeys: [] }), 'not_for_me');
  });

  it('a locked decryption key is refused clearly, not reported as tampering', async () => {
    const { readPrivateKey } = await import('openpgp');
    const locked = await readPrivateKey({ armoredKey: bob.privateKey });
    const armored = await encryptMessage('x', { recipients: [bob.publicKey] });
    await expectCode(decryptMessage(armored, { decryptionKeys: [locked] }), 'invalid_argument');
  });

  it('a password-encrypted message is not_for_me', async () => {
    const { createMessage, encrypt } = await import('openpgp');
    const armored = await encrypt({ message: await createMessage({ text: 'x' }), passwords: 'pw' });
    await expectCode(decryptMessage(armored, { decryptionKeys: [bobKey] }), 'not_for_me');
  });

  it('refuses to encrypt to a public key given as garbage', async () => {
    await expectCode(encryptMessage('x', { recipients: ['not a key'] }), 'malformed');
  });
});
