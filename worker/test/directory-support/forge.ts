// What a squatter builds: keys that carry someone else's key packet as a subkey, with or without
// a binding signature by the squatter's own primary key, and keys with absurd part counts. Built
// from real openpgp.js packets; the binding is a real signature, only aimed at another key.

import * as openpgp from 'openpgp';

/** RFC 9580 §5.2.3.29 key flags. */
export const FLAGS = { certify: 0x01, sign: 0x02, encrypt: 0x04 | 0x08 } as const;

/** A key packet (primary or subkey) re-read as a subkey packet: the same key material and fingerprint. */
export async function asSubkeyPacket(packet: { write(): Uint8Array }): Promise<openpgp.PublicSubkeyPacket> {
  const sub = new openpgp.PublicSubkeyPacket();
  (sub as unknown as { read(bytes: Uint8Array): void }).read(packet.write());
  return sub;
}

/** A subkey binding signature (0x18) by `owner` over `subkey`, with the given key flags and no back-signature. */
export async function bindingBy(
  owner: openpgp.PrivateKey,
  subkey: openpgp.PublicSubkeyPacket,
  flags: number,
): Promise<openpgp.SignaturePacket> {
  const primary = owner.keyPacket as openpgp.SecretKeyPacket;
  const sig = new openpgp.SignaturePacket();
  sig.signatureType = openpgp.enums.signature.subkeyBinding;
  sig.publicKeyAlgorithm = primary.algorithm;
  sig.hashAlgorithm = openpgp.enums.hash.sha256;
  sig.keyFlags = new Uint8Array([flags]);
  sig.issuerKeyID = primary.getKeyID();
  sig.issuerKeyVersion = primary.version;
  sig.issuerFingerprint = primary.getFingerprintBytes();
  await (sig as unknown as { sign(...args: unknown[]): Promise<void> }).sign(
    primary,
    { key: primary, bind: subkey },
    new Date(),
    false,
    openpgp.config,
  );
  return sig;
}

/** `owner`'s public key with extra subkeys (each with its signatures) appended. */
export function withExtraSubkeys(
  owner: openpgp.PrivateKey,
  extra: { packet: openpgp.PublicSubkeyPacket; signatures: openpgp.SignaturePacket[] }[],
): string {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(...owner.toPublic().toPacketList());
  for (const e of extra) list.push(e.packet, ...e.signatures);
  return openpgp.armor(openpgp.enums.armor.publicKey, list.write());
}

/**
 * `count` distinct minimal RSA subkey packets (RFC 9580 §5.5.2: version 4, creation time,
 * algorithm 1, MPIs n and e of one byte each), 14 bytes apiece: a 1,000-subkey key stays far
 * below the 64 KiB upload limit, so only the part cap can stop it.
 */
export function tinySubkeyPackets(count: number): Uint8Array {
  const out = new Uint8Array(count * 14);
  for (let i = 0; i < count; i++) {
    const t = 1_600_000_000 + i;
    out.set(
      [0xc0 | 14, 12, 4, t >>> 24, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff, 1, 0, 8, 0xc1, 0, 2, 3],
      i * 14,
    );
  }
  return out;
}

/** `owner`'s public key followed by raw packets, armored. */
export function withRawPackets(owner: openpgp.PrivateKey, packets: Uint8Array): string {
  const head = owner.toPublic().write();
  const bytes = new Uint8Array(head.length + packets.length);
  bytes.set(head);
  bytes.set(packets, head.length);
  return openpgp.armor(openpgp.enums.armor.publicKey, bytes);
}
