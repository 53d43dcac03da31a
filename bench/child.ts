// One measured operation in its own process (run by bench/sections/crypto.ts under /usr/bin/time),
// so wall time and peak RSS belong to that operation alone.
//
//   tsx bench/child.ts OP KEYS.json IN OUT
// OP: baseline | pgp-encrypt | pgp-decrypt | env-encrypt | env-decrypt | aes-encrypt | aes-decrypt
// Prints one JSON line: { opMs } — the time from after module loading to the output file closed.

import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fromBase64Url, fromHex } from '../shared/encoding.ts';
import {
  type ByteSource,
  identitySecretFromJson,
  open,
  seal,
  signedPrekeySecretFromJson,
} from '../shared/envelope/index.ts';
import { bundleFromJson } from '../shared/envelope/public-json.ts';
import { decryptStream, encryptStream, unlockPrivateKey } from '../shared/pgp/index.ts';

/** What the parent prepared: unlocked PGP keys (armored) and envelope secrets (JSON form). */
export interface BenchKeys {
  pgp: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string };
  envelope: {
    alice: { address: string; identity: unknown; signedPrekey: unknown };
    bob: { address: string; identity: unknown; signedPrekey: unknown };
    /**
     * Bob's published bundle (base64url fields), as a sender gets it from the directory: like gpg,
     * which reads bob's public key from its keyring, the sender does not derive it while sealing.
     */
    bobBundle: {
      identity: { signingKey: string; dhKey: string; dhKeySignature: string };
      signedPrekey: { id: number; createdAt: number; publicKey: string; signature: string };
    };
  };
  aes: { key: string; iv: string };
}

function webStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
}

async function toFile(stream: ReadableStream<Uint8Array>, path: string): Promise<void> {
  await pipeline(Readable.fromWeb(stream as never), createWriteStream(path));
}

function envelopeParty(p: BenchKeys['envelope']['alice']) {
  return {
    address: p.address,
    deviceId: '',
    identity: identitySecretFromJson(p.identity),
    signedPrekey: signedPrekeySecretFromJson(p.signedPrekey),
  };
}

async function aesKey(k: BenchKeys['aes']): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromBase64Url(k.key) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

async function runOp(op: string, keys: BenchKeys, input: string, output: string): Promise<void> {
  switch (op) {
    case 'baseline':
      return;
    case 'pgp-encrypt': {
      const signingKey = await unlockPrivateKey(keys.pgp.alicePrivate, 'unused: the key is unlocked');
      const out = await encryptStream(webStream(input), {
        recipients: [keys.pgp.bobPublic],
        signingKey,
        armor: false,
      });
      return toFile(out, output);
    }
    case 'pgp-decrypt': {
      const bob = await unlockPrivateKey(keys.pgp.bobPrivate, 'unused: the key is unlocked');
      const r = await decryptStream(webStream(input), {
        decryptionKeys: [bob],
        verificationKeys: [keys.pgp.alicePublic],
      });
      if (r.verdict.signatures[0]?.status !== 'valid') throw new Error('pgp-decrypt: signature not valid');
      return toFile(r.data, output);
    }
    case 'env-encrypt': {
      const alice = envelopeParty(keys.envelope.alice);
      const bundle = bundleFromJson({ address: keys.envelope.bob.address, ...keys.envelope.bobBundle });
      const source = createReadStream(input, { highWaterMark: 256 * 1024 }) as unknown as ByteSource;
      return toFile(await seal(source, alice, [bundle]), output);
    }
    case 'env-decrypt': {
      const bob = envelopeParty(keys.envelope.bob);
      const source = createReadStream(input, { highWaterMark: 256 * 1024 }) as unknown as ByteSource;
      const opened = await open(source, { ...bob, signedPrekeys: [bob.signedPrekey], oneTimePrekeys: [] });
      await toFile(opened.plaintext, output);
      const verdict = await opened.verdict;
      if (verdict.signatures[0]?.status !== 'valid') throw new Error('env-decrypt: signature not valid');
      return;
    }
    case 'aes-encrypt':
    case 'aes-decrypt': {
      const key = await aesKey(keys.aes);
      const iv = fromHex(keys.aes.iv) as Uint8Array<ArrayBuffer>;
      const data = await readFile(input);
      const params = { name: 'AES-GCM', iv };
      const result =
        op === 'aes-encrypt'
          ? await crypto.subtle.encrypt(params, key, data)
          : await crypto.subtle.decrypt(params, key, data);
      return writeFile(output, new Uint8Array(result));
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const [op, keysPath, input, output] = process.argv.slice(2);
if (!op || !keysPath || !input || !output) {
  process.stderr.write('usage: child.ts OP KEYS.json IN OUT\n');
  process.exit(1);
}
const started = performance.now();
const keys = JSON.parse(await readFile(keysPath, 'utf8')) as BenchKeys;
await runOp(op, keys, input, output);
process.stdout.write(`${JSON.stringify({ opMs: performance.now() - started })}\n`);
process.exit(0);
