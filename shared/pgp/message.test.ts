import fc from 'fast-check';
import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalBytes, fromUtf8, utf8 } from '../encoding.ts';
import { encryptMessage, encryptStream } from './encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from './keys.ts';
import { decryptMessage, decryptStream } from './message.ts';
import { signCleartext, signDetached, verifyCleartext, verifyDetached } from './signatures.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let carol: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;
let carolKey: PrivateKey;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
    generateKey({ userIds: [{ email: 'carol@example.com' }], passphrase: 'c' }),
  ]);
  [aliceKey, bobKey, carolKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
    unlockPrivateKey(carol.privateKey, 'c'),
  ]);
});

function streamOf(bytes: Uint8Array, chunk = 1 << 16): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('encrypt + decrypt', () => {
  it('round-trips text to several recipients plus the sender, signed by the sender', async () => {
    const armored = await encryptMessage('Grüße, Bob!\nLine two.', {
      recipients: [bob.publicKey, carol.publicKey],
      signingKey: aliceKey,
    });
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    const bodyLines = armored.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(Math.max(...bodyLines.map((l) => l.length))).toBeLessThanOrEqual(64);

    for (const key of [bobKey, carolKey, aliceKey]) {
      const out = await decryptMessage(armored, {
        decryptionKeys: [key],
        verificationKeys: [alice.publicKey],
        from: 'Alice <alice@example.org>',
      });
      expect(fromUtf8(out.data)).toBe('Grüße, Bob!\nLine two.');
      expect(out.verdict).toMatchObject({
        format: 'pgp',
        encrypted: true,
        integrityProtected: true,
        signedBySender: true,
        partial: { encrypted: false, signed: false },
      });
      expect(out.verdict.signatures).toHaveLength(1);
      expect(out.verdict.signatures[0]).toMatchObject({
        status: 'valid',
        signerFingerprint: alice.fingerprint,
        signerUserIds: ['Alice <alice@example.org>'],
        signerMatchesFrom: true,
      });
    }
  });

  it('flags a signer who is not the From address', async () => {
    const armored = await encryptMessage('hi', { recipients: [bob.publicKey], signingKey: carolKey });
    const out = await decryptMessage(armored, {
      decryptionKeys: [bobKey],
      verificationKeys: [carol.publicKey, alice.publicKey],
      from: 'alice@example.org',
    });
    expect(out.verdict.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: false });
    expect(out.verdict.signedBySender).toBe(false);
  });

  it('reports an unknown signer key', async () => {
    const armored = await encryptMessage('hi', { recipients: [bob.publicKey], signingKey: carolKey });
    const out = await decryptMessage(armored, { decryptionKeys: [bobKey], from: 'carol@example.com' });
    expect(out.verdict.signatures[0]).toMatchObject({ status: 'unknown_key', signerMatchesFrom: false });
    expect(out.verdict.signatures[0]!.signerFingerprint).toBeUndefined();
    expect(out.verdict.signedBySender).toBe(false);
  });

  it('encrypts without signing and in binary form, with a file name', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    const binary = await encryptMessage(bytes, {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
      sign: false,
      armor: false,
      filename: 'report.bin',
    });
    expect(binary).toBeInstanceOf(Uint8Array);
    const out = await decryptMessage(binary, { decryptionKeys: [aliceKey] });
    expect(out.data).toEqual(bytes);
    expect(out.filename).toBe('report.bin');
    expect(out.verdict.signatures).toEqual([]);
    expect(out.verdict.signedBySender).toBe(false);
  });

  it('round-trips random text and bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 2000 })),
        async (input) => {
          const armored = await encryptMessage(input, { recipients: [bob.publicKey], signingKey: aliceKey });
          const out = await decryptMessage(armored, {
            decryptionKeys: [bobKey],
            verificationKeys: [alice.publicKey],
          });
          expect(out.data).toEqual(typeof input === 'string' ? utf8(input) : input);
          expect(out.verdict.signatures[0]!.status).toBe('valid');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('streams encryption and decryption of a larger input', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i += 65536)
      crypto.getRandomValues(big.subarray(i, Math.min(big.length, i + 65536)));
    for (const armor of [false, true]) {
      const cipher = await encryptStream(streamOf(big), {
        recipients: [bob.publicKey],
        signingKey: aliceKey,
        armor,
      });
      const bytes = await collect(cipher);
      const out = await decryptStream(streamOf(bytes), {
        decryptionKeys: [bobKey],
        verificationKeys: [alice.publicKey],
        armored: armor,
        from: 'alice@example.org',
      });
      expect(out.byteLength).toBe(big.length);
      const plain = await collect(out.data);
      expect(plain.length).toBe(big.length);
      // equalBytes, not toEqual: vitest's deep diff over megabytes takes tens of seconds.
      expect(equalBytes(plain, big)).toBe(true);
      expect(out.verdict.signedBySender).toBe(true);
    }
  });

  // openpgp.js decrypts streamed input before the MDC is checked (allowUnauthenticatedStream):
  // none of that plaintext may reach the caller. A flipped byte early in the ciphertext, in the
  // middle, or in the MDC at the very end: the promise rejects and no stream is ever returned.
  it('a tampered 5 MiB streamed message yields no data at all', async () => {
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    const cipher = await collect(
      await encryptStream(streamOf(big), { recipients: [bob.publicKey], signingKey: aliceKey }),
    );
    for (const at of [4096, cipher.length >> 1, cipher.length - 5]) {
      const tampered = Uint8Array.from(cipher);
      tampered[at]! ^= 0x01;
      let pulled = 0;
      const source = streamOf(tampered);
      const reader = source.getReader();
      // Counts what openpgp.js consumed, to show it read (and decrypted) past the flipped byte.
      const counted = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pulled += value.length;
          controller.enqueue(value);
        },
      });
      const result = await decryptStream(counted, {
        decryptionKeys: [bobKey],
        verificationKeys: [alice.publicKey],
      }).then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(result).toMatchObject({ code: 'tampered' });
      expect(result).not.toHaveProperty('data');
      expect(pulled).toBeGreaterThan(at);
    }
  });
});

describe('packet versions', () => {
  it('never emits SEIPDv2 (AEAD) to a v4 key, even one that advertises it', async () => {
    const {
      generateKey: rawGenerateKey,
      readMessage,
      SymEncryptedIntegrityProtectedDataPacket,
    } = await import('openpgp');
    // A v4 key whose self-signature declares SEIPDv2 support (features 0x08), as newer tools make.
    const aeadV4 = await rawGenerateKey({
      userIDs: [{ email: 'aead@x.example' }],
      config: { aeadProtect: true, v6Keys: false },
    });
    const binary = await encryptMessage('x', {
      recipients: [aeadV4.publicKey],
      signingKey: aliceKey,
      armor: false,
    });
    const parsed = await readMessage({ binaryMessage: binary });
    const seipd = parsed.packets.find(
      (p) => p instanceof SymEncryptedIntegrityProtectedDataPacket,
    ) as unknown as { version: number };
    expect(seipd.version).toBe(1);
    expect(parsed.packets.filter((p) => (p as { version?: number }).version === 6)).toHaveLength(0);
  });
});

describe('sign only', () => {
  it('cleartext-signs and verifies, and detects an edit', async () => {
    const armored = await signCleartext('Meet at noon.\nBring the keys.', aliceKey);
    expect(armored).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----/);
    const ok = await verifyCleartext({
      armored,
      verificationKeys: [alice.publicKey],
      from: 'alice@example.org',
    });
    expect(ok.text).toBe('Meet at noon.\nBring the keys.');
    expect(ok.verdict).toMatchObject({ encrypted: false, signedBySender: true });
    const edited = armored.replace('noon', 'nine');
    const bad = await verifyCleartext({
      armored: edited,
      verificationKeys: [alice.publicKey],
      from: 'alice@example.org',
    });
    expect(bad.verdict.signatures[0]!.status).toBe('invalid');
    expect(bad.verdict.signedBySender).toBe(false);
  });

  it('makes and checks detached signatures, text and binary', async () => {
    const text = 'line one\r\nline two\r\n';
    const { signature, hashAlgorithm } = await signDetached(text, aliceKey);
    expect(hashAlgorithm).toMatch(/^sha(256|384|512)$/);
    const ok = await verifyDetached({
      data: text,
      signature,
      verificationKeys: [alice.publicKey],
      from: 'alice@example.org',
    });
    expect(ok.signedBySender).toBe(true);
    // Text signatures hash canonical line endings: LF-only storage still verifies.
    const lf = await verifyDetached({
      data: 'line one\nline two\n',
      signature,
      verificationKeys: [alice.publicKey],
    });
    expect(lf.signatures[0]!.status).toBe('valid');
    const changed = await verifyDetached({
      data: 'line one\r\nline 2\r\n',
      signature,
      verificationKeys: [alice.publicKey],
    });
    expect(changed.signatures[0]!.status).toBe('invalid');

    const bin = await signDetached(new Uint8Array([1, 2, 3]), aliceKey, { armor: false });
    expect(bin.signature).toBeInstanceOf(Uint8Array);
    const binOk = await verifyDetached({
      data: new Uint8Array([1, 2, 3]),
      signature: bin.signature,
      verificationKeys: [alice.publicKey],
    });
    expect(binOk.signatures[0]!.status).toBe('valid');
    const binBad = await verifyDetached({
      data: new Uint8Array([1, 2, 4]),
      signature: bin.signature,
      verificationKeys: [alice.publicKey],
    });
    expect(binBad.signatures[0]!.status).toBe('invalid');
  });

  it('reads a signed, unencrypted OpenPGP message', async () => {
    const { createMessage, sign } = await import('openpgp');
    const armored = await sign({
      message: await createMessage({ binary: utf8('signed only') }),
      signingKeys: aliceKey,
    });
    const out = await decryptMessage(armored, {
      decryptionKeys: [],
      verificationKeys: [alice.publicKey],
      from: 'alice@example.org',
    });
    expect(fromUtf8(out.data)).toBe('signed only');
    expect(out.verdict).toMatchObject({ encrypted: false, integrityProtected: false, signedBySender: true });
  });
});
