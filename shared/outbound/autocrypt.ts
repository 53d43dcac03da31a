// Autocrypt Level 1 (autocrypt.org/level1.html) for outgoing mail: the `Autocrypt:` header with
// the sender's minimal key (§2.1.1: the primary key, one user ID for the sender's address and its
// self-signature, the encryption subkey and its binding signature — five packets), and the parser
// of the header (§2.1) that inbound mail uses for its key hints.

import { PacketList, type PublicKey } from 'openpgp';
import { isAddress, parseAddress } from '../address.ts';
import { toBase64 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import type { AutocryptHint } from '../mailbox/summary.ts';
import { type KeyInput, readPublicKey } from '../pgp/keys.ts';

/** The hint's schema caps keydata at 12 KiB of base64; a minimal Autocrypt key is far smaller. */
const MAX_KEYDATA_CHARS = 12 * 1024;

/** §2.1.1 the five packets of the minimal key, binary (RFC 9580 §10.1 transferable public key). */
export async function minimalKey(input: KeyInput, addr: string): Promise<Uint8Array> {
  const key: PublicKey = await readPublicKey(input);
  let primary: Awaited<ReturnType<PublicKey['getPrimaryUser']>>;
  try {
    primary = await key.getPrimaryUser(undefined, { email: addr });
  } catch (cause) {
    throw new NoiseError('key_unusable', 'autocrypt: no valid user ID for the sender’s address', { cause });
  }
  const encryption = await key.getEncryptionKey().catch((cause: unknown) => {
    throw new NoiseError('key_unusable', 'autocrypt: the key cannot encrypt', { cause });
  });
  const subkey = key.subkeys.find((s) => s.getKeyID().equals(encryption.getKeyID()));
  if (!subkey) throw new NoiseError('key_unusable', 'autocrypt: the key has no encryption subkey');
  const binding = await subkey.verify();
  if (!primary.user.userID)
    throw new NoiseError('key_unusable', 'autocrypt: the primary user is not a user ID');
  const packets = new PacketList();
  packets.push(key.keyPacket, primary.user.userID, primary.selfCertification, subkey.keyPacket, binding);
  return packets.write();
}

/** Base64 folded into lines of 76 characters after a leading fold (§2.1 header example). */
function folded(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(` ${b64.slice(i, i + 76)}`);
  return `\r\n${lines.join('\r\n')}`;
}

/** §2.1 the header value: `addr=…; prefer-encrypt=mutual; keydata=…` (folded). */
export async function autocryptHeader(input: KeyInput, addr: string): Promise<readonly [string, string]> {
  if (!isAddress(addr)) throw new NoiseError('invalid_argument', 'autocrypt: not an address');
  const keydata = await minimalKey(input, addr);
  return ['Autocrypt', `addr=${addr}; prefer-encrypt=mutual; keydata=${folded(keydata)}`] as const;
}

/** One Autocrypt header's attributes, or null when §2.1 says to ignore the header. */
export function parseAutocrypt(value: string): AutocryptHint | null {
  const attributes = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (attributes.has(name)) return null;
    attributes.set(name, part.slice(eq + 1).trim());
  }
  // §2.1: unknown attributes not starting with "_" are critical: the whole header is ignored.
  for (const name of attributes.keys())
    if (!['addr', 'prefer-encrypt', 'keydata'].includes(name) && !name.startsWith('_')) return null;
  const addr = parseAddress(attributes.get('addr') ?? '');
  const keydata = attributes.get('keydata')?.replace(/\s+/g, '');
  if (!addr || !keydata || keydata.length > MAX_KEYDATA_CHARS) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keydata)) return null;
  const prefer = attributes.get('prefer-encrypt');
  return { addr, preferEncrypt: prefer === 'mutual' ? 'mutual' : 'nopreference', keydata };
}
