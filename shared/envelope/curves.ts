// X25519 and Ed25519 through WebCrypto when the platform has them (Node 22, Chrome 137+, Firefox
// 130+, Safari 17+), else @noble/curves. Measured here: native X25519 ~0.6 ms vs noble ~5 ms,
// native Ed25519 verify ~0.5 ms vs noble ~8–13 ms (loaded 2-core machine). Both are deterministic
// (RFC 7748, RFC 8032), so results are identical; a one-time probe checks known answers before
// native use.

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { concatBytes, fromBase64Url, fromHex, toHex } from '../encoding.ts';
import { bufferSource } from './aead.ts';

// RFC 8410 §7 PKCS#8 prefixes for a 32-byte X25519 / Ed25519 private key.
const PKCS8_X25519 = Uint8Array.from([48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 110, 4, 34, 4, 32]);
const PKCS8_ED25519 = Uint8Array.from([48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32]);

// Known answers the probe checks native results against: RFC 7748 §6.1 (X25519 Diffie-Hellman)
// and RFC 8032 §7.1 TEST 1 (Ed25519, empty message). Constants, not noble: computing them with
// noble at start-up cost ~140 ms (module warm-up, first ladder) in every fresh process.
const KAT = {
  x25519Secret: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  x25519Public: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  x25519Peer: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  x25519Shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
  ed25519Secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  ed25519Public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  ed25519Signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
} as const;

let native: Promise<boolean> | undefined;

/** True when WebCrypto's X25519 and Ed25519 exist and give the RFC known answers. */
function nativeAvailable(): Promise<boolean> {
  native ??= (async () => {
    try {
      const empty = new Uint8Array(0);
      const [dh, pub, edPub, sig] = await Promise.all([
        nativeDh(fromHex(KAT.x25519Secret), fromHex(KAT.x25519Peer)),
        nativeX25519Public(fromHex(KAT.x25519Secret)),
        nativeEd25519Public(fromHex(KAT.ed25519Secret)),
        nativeSign(empty, fromHex(KAT.ed25519Secret)),
      ]);
      const ok = await nativeVerify(sig, empty, fromHex(KAT.ed25519Public));
      const forged = Uint8Array.from(sig);
      forged[0]! ^= 1;
      const forgedOk = await nativeVerify(forged, empty, fromHex(KAT.ed25519Public));
      return (
        toHex(dh) === KAT.x25519Shared &&
        toHex(pub) === KAT.x25519Public &&
        toHex(edPub) === KAT.ed25519Public &&
        toHex(sig) === KAT.ed25519Signature &&
        ok &&
        !forgedOk
      );
    } catch {
      return false;
    }
  })();
  return native;
}

function importPrivate(
  prefix: Uint8Array,
  secret: Uint8Array,
  name: string,
  usages: KeyUsage[],
  extractable = false,
) {
  return crypto.subtle.importKey(
    'pkcs8',
    bufferSource(concatBytes(prefix, secret)),
    { name },
    extractable,
    usages,
  );
}

async function nativeDh(secret: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array> {
  const priv = await importPrivate(PKCS8_X25519, secret, 'X25519', ['deriveBits']);
  const pub = await crypto.subtle.importKey('raw', bufferSource(publicKey), { name: 'X25519' }, false, []);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'X25519', public: pub } as EcdhKeyDeriveParams, priv, 256),
  );
}

async function nativeX25519Public(secret: Uint8Array): Promise<Uint8Array> {
  const priv = await importPrivate(PKCS8_X25519, secret, 'X25519', ['deriveBits'], true);
  const jwk = await crypto.subtle.exportKey('jwk', priv);
  return fromBase64Url(jwk.x!);
}

async function nativeSign(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  const priv = await importPrivate(PKCS8_ED25519, seed, 'Ed25519', ['sign']);
  return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, priv, bufferSource(message)));
}

async function nativeVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  const pub = await crypto.subtle.importKey('raw', bufferSource(publicKey), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return crypto.subtle.verify({ name: 'Ed25519' }, pub, bufferSource(signature), bufferSource(message));
}

/** X25519; null when the output would be all-zero or the point is refused (spec §3.1). */
export async function x25519Dh(secret: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array | null> {
  let out: Uint8Array;
  try {
    out = (await nativeAvailable())
      ? await nativeDh(secret, publicKey)
      : x25519.getSharedSecret(secret, publicKey);
  } catch {
    return null; // WebCrypto throws on the all-zero result (W3C WebCrypto, X25519 deriveBits)
  }
  return out.every((b) => b === 0) ? null : out;
}

export async function x25519PublicKey(secret: Uint8Array): Promise<Uint8Array> {
  return (await nativeAvailable()) ? nativeX25519Public(secret) : x25519.getPublicKey(secret);
}

export async function ed25519Sign(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  return (await nativeAvailable()) ? nativeSign(message, seed) : ed25519.sign(message, seed);
}

/** False on any malformed input rather than throwing. */
export async function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return (await nativeAvailable())
      ? await nativeVerify(signature, message, publicKey)
      : ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

async function nativeEd25519Public(seed: Uint8Array): Promise<Uint8Array> {
  const priv = await importPrivate(PKCS8_ED25519, seed, 'Ed25519', ['sign'], true);
  return fromBase64Url((await crypto.subtle.exportKey('jwk', priv)).x!);
}

export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  return (await nativeAvailable()) ? nativeEd25519Public(seed) : ed25519.getPublicKey(seed);
}

/** For tests: which implementation is in use. */
export function usingNativeCurves(): Promise<boolean> {
  return nativeAvailable();
}

/** Test hook: force the noble path (false) or re-probe (true). */
export function _useNativeCurves(enabled: boolean): void {
  native = enabled ? undefined : Promise.resolve(false);
}
