// §3 Sealing an outgoing plaintext message to the relay, and opening it there. One HPKE
// single-shot seal (RFC 9180 §6.1) of the whole RFC 5322 message; the associated data binds the
// header, the envelope sender and every envelope recipient in order (§3.3), so a seal replayed
// with another From or another recipient list does not open. Errors keep the envelope's kinds
// apart: malformed, unsupported, not_for_me, tampered.

import { concatBytes, equalBytes, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import {
  ENC_LENGTH,
  HEADER_LENGTH,
  KEY_ID_LENGTH,
  LABEL_INFO,
  MAGIC,
  MAX_RECIPIENTS,
  TAG_LENGTH,
} from './labels.ts';
import { type RelayKeyPair, relaySuite } from './suite.ts';

/** The envelope a seal is bound to: the sender and the recipients, exactly as sent (§3.3). */
export interface RelayEnvelope {
  from: string;
  to: readonly string[];
}

/** The relay's public half, as the key document publishes it (§2.3). */
export interface RelayPublicKey {
  publicKey: Uint8Array;
  keyId: Uint8Array;
}

const INFO = utf8(LABEL_INFO);

/** §3.3 an address in the associated data: non-empty, no NUL, no line break (it ends with 0x00). */
function assertAddress(address: string, what: string): void {
  if (typeof address !== 'string' || address.length === 0 || /[\0\r\n]/.test(address))
    throw new NoiseError('invalid_argument', `relay seal: ${what} is not an address`);
}

/** §3.3 aad = magic ‖ key id ‖ from ‖ 0x00 ‖ (to_i ‖ 0x00) for every recipient in order. */
export function relayAad(prefix: Uint8Array, envelope: RelayEnvelope): Uint8Array {
  assertAddress(envelope.from, 'from');
  if (envelope.to.length === 0 || envelope.to.length > MAX_RECIPIENTS)
    throw new NoiseError('invalid_argument', `relay seal: 1 to ${MAX_RECIPIENTS} recipients`);
  const parts: Uint8Array[] = [prefix, utf8(envelope.from), new Uint8Array([0])];
  for (const to of envelope.to) {
    assertAddress(to, 'a recipient');
    parts.push(utf8(to), new Uint8Array([0]));
  }
  return concatBytes(...parts);
}

/** Seals a plaintext RFC 5322 message to the relay's public key for one envelope. */
export async function sealForRelay(
  message: Uint8Array,
  envelope: RelayEnvelope,
  relay: RelayPublicKey,
): Promise<Uint8Array> {
  if (relay.keyId.length !== KEY_ID_LENGTH || relay.publicKey.length !== ENC_LENGTH)
    throw new NoiseError('invalid_argument', 'relay seal: not a relay public key');
  const recipientPublicKey = await relaySuite.kem.deserializePublicKey(relay.publicKey);
  // enc is not in the AAD: HPKE derives the key from it, so another enc does not open (§3.3).
  const prefix = concatBytes(MAGIC, relay.keyId);
  const sealed = await relaySuite.seal(
    { recipientPublicKey, info: INFO },
    message as Uint8Array<ArrayBuffer>,
    relayAad(prefix, envelope) as Uint8Array<ArrayBuffer>,
  );
  return concatBytes(prefix, new Uint8Array(sealed.enc), new Uint8Array(sealed.ct));
}

/** The key id a sealed message names, after the §3.4 header checks (for picking a key). */
export function sealedKeyId(sealed: Uint8Array): Uint8Array {
  if (sealed.length < HEADER_LENGTH + TAG_LENGTH) throw new NoiseError('malformed', 'relay seal: too short');
  for (let i = 0; i < MAGIC.length - 1; i++)
    if (sealed[i] !== MAGIC[i]) throw new NoiseError('malformed', 'relay seal: not a relay seal');
  if (sealed[MAGIC.length - 1] !== MAGIC[MAGIC.length - 1])
    throw new NoiseError('unsupported', 'relay seal: unknown version');
  return sealed.slice(MAGIC.length, MAGIC.length + KEY_ID_LENGTH);
}

/**
 * §3.4 opens a sealed message with one of the relay's keys (the current one, and the previous one
 * during a rotation). The plaintext exists only in the returned array.
 */
export async function openRelaySeal(
  sealed: Uint8Array,
  envelope: RelayEnvelope,
  keys: readonly RelayKeyPair[],
): Promise<Uint8Array> {
  const keyId = sealedKeyId(sealed);
  const key = keys.find((k) => equalBytes(k.keyId, keyId));
  if (!key) throw new NoiseError('not_for_me', 'relay seal: sealed to another relay key');
  const prefix = sealed.slice(0, MAGIC.length + KEY_ID_LENGTH);
  const enc = sealed.slice(MAGIC.length + KEY_ID_LENGTH, HEADER_LENGTH);
  const ciphertext = sealed.slice(HEADER_LENGTH);
  try {
    const plain = await relaySuite.open(
      { recipientKey: key.privateKey, enc, info: INFO },
      ciphertext,
      relayAad(prefix, envelope) as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch (cause) {
    if (cause instanceof NoiseError) throw cause;
    throw new NoiseError('tampered', 'relay seal: does not open for this envelope', { cause });
  }
}
