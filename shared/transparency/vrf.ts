// RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI (§5.5, suite 0x03): prove, verify, proof_to_hash
// (docs/spec/transparency-v1.md §3.1). Built on @noble/curves' Edwards points; scalars and
// integers are little-endian as §5.5 says. Verification always validates the key (§5.4.5) and
// decodes points strictly per RFC 8032 §5.1.3.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../encoding.ts';
import { abytes } from '../envelope/assert.ts';

type Point = InstanceType<typeof ed25519.Point>;
const Point = ed25519.Point;
const q = Point.Fn.ORDER;

const SUITE = 0x03;
const PT_LEN = 32;
const C_LEN = 16;
const Q_LEN = 32;
export const VRF_PROOF_BYTES = PT_LEN + C_LEN + Q_LEN;
export const VRF_OUTPUT_BYTES = 64;

function toIntLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function fromIntLE(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** RFC 8032 §5.1.3 strict decoding; undefined stands for "INVALID". */
function stringToPoint(bytes: Uint8Array): Point | undefined {
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return undefined;
  }
}

/** §5.4.1.1 try-and-increment with encode_to_curve_salt = PK_string (§5.5). */
function encodeToCurve(pkString: Uint8Array, alpha: Uint8Array): Point {
  for (let ctr = 0; ctr < 256; ctr++) {
    const hash = sha512(
      concatBytes(new Uint8Array([SUITE, 0x01]), pkString, alpha, new Uint8Array([ctr, 0x00])),
    );
    // §5.5: interpret_hash_value_as_a_point(s) = string_to_point(s[0]…s[31]); then × cofactor.
    const candidate = stringToPoint(hash.subarray(0, 32));
    if (!candidate) continue;
    const h = candidate.clearCofactor();
    if (!h.is0()) return h;
  }
  // §5.4.1.1: reaching ctr = 256 has probability about 2^-256.
  throw new Error('ECVRF encode_to_curve found no point');
}

/** §5.4.2.2 nonce from RFC 8032 §5.1.6 steps 2–3. */
function nonce(secretKey: Uint8Array, hString: Uint8Array): bigint {
  const truncated = sha512(secretKey).subarray(32, 64);
  return toIntLE(sha512(concatBytes(truncated, hString))) % q;
}

/** §5.4.3 challenge over five points. */
function challenge(points: Point[]): bigint {
  const parts = [new Uint8Array([SUITE, 0x02]), ...points.map((p) => p.toBytes()), new Uint8Array([0x00])];
  return toIntLE(sha512(concatBytes(...parts)).subarray(0, C_LEN));
}

/** §5.2 proof_to_hash for a decoded Gamma. */
function gammaToHash(gamma: Point): Uint8Array {
  return sha512(
    concatBytes(new Uint8Array([SUITE, 0x03]), gamma.clearCofactor().toBytes(), new Uint8Array([0x00])),
  );
}

/** The VRF public key (RFC 8032 §5.1.5) of a 32-byte secret key. */
export function vrfPublicKey(secretKey: Uint8Array): Uint8Array {
  abytes(secretKey, 32, 'secretKey');
  return ed25519.getPublicKey(secretKey);
}

/** §5.1 ECVRF_prove: the 80-byte proof pi. */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  abytes(secretKey, 32, 'secretKey');
  abytes(alpha, undefined, 'alpha');
  const { scalar: x, point: y, pointBytes } = ed25519.utils.getExtendedPublicKey(secretKey);
  const h = encodeToCurve(pointBytes, alpha);
  const hString = h.toBytes();
  const gamma = h.multiply(x);
  const k = nonce(secretKey, hString);
  const c = challenge([y, h, gamma, Point.BASE.multiply(k), h.multiply(k)]);
  const s = (k + c * x) % q;
  return concatBytes(gamma.toBytes(), fromIntLE(c, C_LEN), fromIntLE(s, Q_LEN));
}

/**
 * beta for `alpha` without building the proof: §5.1 steps 1–4 then §5.2 on Gamma. The directory
 * needs only the label when it writes a leaf; the proof is made when someone asks for it.
 */
export function vrfOutput(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  abytes(secretKey, 32, 'secretKey');
  const { scalar: x, pointBytes } = ed25519.utils.getExtendedPublicKey(secretKey);
  return gammaToHash(encodeToCurve(pointBytes, alpha).multiply(x));
}

/** §5.4.4 ECVRF_decode_proof; undefined stands for "INVALID". */
function decodeProof(pi: Uint8Array): { gamma: Point; c: bigint; s: bigint } | undefined {
  if (pi.length !== VRF_PROOF_BYTES) return undefined;
  const gamma = stringToPoint(pi.subarray(0, PT_LEN));
  if (!gamma) return undefined;
  const c = toIntLE(pi.subarray(PT_LEN, PT_LEN + C_LEN));
  const s = toIntLE(pi.subarray(PT_LEN + C_LEN));
  if (s >= q) return undefined;
  return { gamma, c, s };
}

/**
 * §5.2 ECVRF_proof_to_hash. Only for a proof this code produced or one vrfVerify accepted (the
 * RFC's own warning): it checks the encoding, not the proof.
 */
export function vrfProofToHash(pi: Uint8Array): Uint8Array {
  const decoded = decodeProof(pi);
  if (!decoded) throw new RangeError('invalid VRF proof encoding');
  return gammaToHash(decoded.gamma);
}

/** §5.3 ECVRF_verify with validate_key = TRUE: beta, or undefined for "INVALID". */
export function vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, pi: Uint8Array): Uint8Array | undefined {
  if (!(publicKey instanceof Uint8Array) || !(alpha instanceof Uint8Array) || !(pi instanceof Uint8Array))
    return undefined;
  if (publicKey.length !== PT_LEN) return undefined;
  const y = stringToPoint(publicKey); // 1–2.
  if (!y) return undefined;
  if (y.clearCofactor().is0()) return undefined; // 3. §5.4.5: cofactor·Y must not be the identity.
  const decoded = decodeProof(pi); // 4–5.
  if (!decoded) return undefined;
  const { gamma, c, s } = decoded; // 6.
  const h = encodeToCurve(publicKey, alpha); // 7.
  // 8–9. U = s·B − c·Y, V = s·H − c·Gamma (public values: multiplyUnsafe accepts 0).
  const u = Point.BASE.multiplyUnsafe(s).subtract(y.multiplyUnsafe(c));
  const v = h.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  // 10–11.
  if (challenge([y, h, gamma, u, v]) !== c) return undefined;
  return gammaToHash(gamma);
}
