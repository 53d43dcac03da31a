// Public key servers, asked when our directory has no key for an address and the "key
// servers" setting is on: WKD (draft-koch-openpgp-webkey-service, advanced method, then
// direct) and keys.openpgp.org's VKS. Every base URL comes from KeyServerBases so tests can
// point them at a local Worker, which serves WKD and VKS for its own SERVICE_DOMAIN.

import { domainOf, normalizeAddress } from '../../shared/address.ts';
import { addressOf } from '../../shared/address-fields.ts';
import { wkdHash } from '../../shared/wkd/hash.ts';
import type { KeySource } from '../store/schema.ts';

export { wkdHash };

export interface KeyServerBases {
  /** Origin of the WKD advanced method for a domain (§3.1: https://openpgpkey.<domain>). */
  wkdAdvanced: (domain: string) => string;
  /** Origin of the WKD direct method for a domain (§3.1: https://<domain>). */
  wkdDirect: (domain: string) => string;
  /** Origin of a VKS v1 server. */
  vks: string;
}

export const PUBLIC_KEY_SERVERS: KeyServerBases = {
  wkdAdvanced: (domain) => `https://openpgpkey.${domain}`,
  wkdDirect: (domain) => `https://${domain}`,
  vks: 'https://keys.openpgp.org',
};

/** A slow key server must not hold a lookup for long. */
const TIMEOUT_MS = 5_000;

/** WKD draft §3.1 URLs for the advanced and the direct method (`l=` carries the local part). */
export function wkdUrls(address: string, bases: KeyServerBases): { advanced: string; direct: string } {
  const local = address.slice(0, address.lastIndexOf('@'));
  const domain = domainOf(address);
  const path = `hu/${wkdHash(local)}?l=${encodeURIComponent(local)}`;
  return {
    advanced: `${bases.wkdAdvanced(domain)}/.well-known/openpgpkey/${domain}/${path}`,
    direct: `${bases.wkdDirect(domain)}/.well-known/openpgpkey/${path}`,
  };
}

async function get(url: string): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow', cache: 'no-store' });
}

/** The WKD answer is binary (§3.1); the keys carrying `address` are armored for the keyring. */
async function armorFor(binary: Uint8Array, address: string): Promise<string | null> {
  const { readKeys } = await import('openpgp');
  let keys: Awaited<ReturnType<typeof readKeys>>;
  try {
    keys = await readKeys({ binaryKeys: binary });
  } catch {
    return null;
  }
  const wanted = normalizeAddress(address);
  const key = keys.find((k) => k.getUserIDs().some((u) => addressOf(u) === wanted));
  return key ? key.armor() : null;
}

async function wkd(address: string, bases: KeyServerBases): Promise<string | null> {
  const { advanced, direct } = wkdUrls(address, bases);
  let res: Response;
  try {
    res = await get(advanced);
  } catch {
    // §3.1: only when the openpgpkey sub-domain does not answer, fall back to the direct method.
    try {
      res = await get(direct);
    } catch {
      return null;
    }
  }
  if (!res.ok) return null;
  return armorFor(new Uint8Array(await res.arrayBuffer()), address);
}

async function vks(address: string, bases: KeyServerBases): Promise<string | null> {
  try {
    const res = await get(`${bases.vks}/vks/v1/by-email/${encodeURIComponent(address)}`);
    if (!res.ok) return null;
    const text = await res.text();
    return text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') ? text : null;
  } catch {
    return null;
  }
}

/** WKD first (the domain's own answer), then keys.openpgp.org; null when neither has a key. */
export async function lookupKeyServers(
  address: string,
  bases: KeyServerBases = PUBLIC_KEY_SERVERS,
): Promise<{ armoredKey: string; source: KeySource } | null> {
  const fromWkd = await wkd(address, bases);
  if (fromWkd) return { armoredKey: fromWkd, source: 'wkd' };
  const fromVks = await vks(address, bases);
  if (fromVks) return { armoredKey: fromVks, source: 'keys.openpgp.org' };
  return null;
}
