// E-mail addresses: the one parser and the one normal form, for the Worker, the extension, the
// CLI and the reader. The rules are those of docs/api.md (Addresses):
// - An address is an RFC 5322 §3.4.1 addr-spec whose local part is a dot-atom (§3.2.3) and whose
//   domain is a host name of LDH labels (RFC 5321 §4.1.2), both widened to UTF-8 by RFC 6531 §3.3;
//   at most 64 bytes of local part (RFC 5321 §4.5.3.1.1) and 254 in all (§4.5.3.1.3). Quoted
//   local parts, domain literals and obsolete forms are not addresses: postal-mime never takes an
//   address out of quoted text (a misrouting defence), and nothing here would treat one alike.
// - The normal form is the identity: trimmed, NFC (RFC 6532 §3.1) and lowercased whole. RFC 5321
//   §2.4 lets a host treat local parts case-sensitively, but no provider does, and WKD hashes the
//   lowercased local part (draft-koch-openpgp-webkey-service §3.1). A `+tag` stays part of the
//   identity; only limits count tagged variants as one mailbox (`limitKey`). U-labels are not
//   mapped to A-labels: an address is compared in the form it is written.
// Header fields (From, To, user IDs) are read by address-fields.ts, through postal-mime's parser;
// this module has no dependency, so the content script carries it within its size budget.

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
const MAX_ADDRESS_BYTES = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_BYTES = 64;

// RFC 5322 §3.2.3 atext, plus RFC 6531 §3.3 UTF8-non-ascii (no separators or controls).
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]|[^\\x00-\\x7F\\p{Z}\\p{C}]";
const DOT_ATOM = `(?:${ATEXT})+(?:\\.(?:${ATEXT})+)*`;
// A label: letters, digits and inner hyphens (RFC 5321 §4.1.2 Let-dig / Ldh-str), or U-label text.
const LETDIG = '[A-Za-z0-9]|[^\\x00-\\x7F\\p{Z}\\p{C}\\p{P}\\p{S}]';
const LABEL = `(?:${LETDIG})(?:(?:${LETDIG}|-){0,61}(?:${LETDIG}))?`;

const ADDRESS = new RegExp(`^${DOT_ATOM}@${LABEL}(?:\\.${LABEL})*$`, 'u');
/** In running text an address needs a dotted domain: `@media` or `a@b` in prose are not mail. */
const ADDRESS_IN_TOKEN = new RegExp(`${DOT_ATOM}@${LABEL}(?:\\.${LABEL})+`, 'u');
/** What never stands in an address outside quotes (RFC 5322 §3.2.3 specials and space). */
const TOKEN_SEPARATORS = /[\s<>()[\]",;:\\]+/u;
/** A longer run is no address (254 bytes) with some text glued on: not scanned, so scanning stays linear. */
const MAX_TOKEN = 1024;

const encoder = new TextEncoder();

/** Whether `text` is one address (no display name, no surrounding space). */
export function isAddress(text: string): boolean {
  return (
    text.length <= MAX_ADDRESS_BYTES &&
    ADDRESS.test(text) &&
    encoder.encode(text).length <= MAX_ADDRESS_BYTES &&
    encoder.encode(text.slice(0, text.lastIndexOf('@'))).length <= MAX_LOCAL_BYTES
  );
}

/** An address whose domain is LDH (ASCII): what mail can go to without SMTPUTF8 (RFC 6531). */
export function hasAsciiDomain(address: string): boolean {
  return /@[A-Za-z0-9.-]+$/.test(address);
}

/** The normal form of an address (see the top of this file); it does not check the address. */
export function normalizeAddress(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}

/** A bare address in its normal form, or null when `text` is not one. */
export function parseAddress(text: string): string | null {
  const address = normalizeAddress(text);
  return isAddress(address) ? address : null;
}

/** Whether two addresses name one identity. */
export function sameAddress(a: string, b: string): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}

/** A domain (a configured service domain, a URL's) in the normal form addresses use. */
export function normalizeDomain(domain: string): string {
  return normalizeAddress(domain);
}

/** The domain of an address, in normal form. */
export function domainOf(address: string): string {
  return normalizeDomain(address.slice(address.lastIndexOf('@') + 1));
}

/** The part before the last `@`, in normal form. */
export function localPartOf(address: string): string {
  const at = address.lastIndexOf('@');
  return normalizeAddress(at < 0 ? '' : address.slice(0, at));
}

/**
 * The key limits count an address under: the normal form without a `+tag`, since most providers
 * deliver alice+x@ and ALICE@ to one inbox (docs/threat-model.md, verification mail).
 */
export function limitKey(address: string): string {
  const local = localPartOf(address);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${domainOf(address)}`;
}

/**
 * Addresses in normal form, each once, in the order first given; empty entries are dropped. Text
 * that is no address is kept (normalised), so the caller's own check refuses it rather than a
 * recipient silently going missing.
 */
export function uniqueAddresses(list: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const a of list) {
    const address = normalizeAddress(a);
    if (address) out.add(address);
  }
  return [...out];
}

/** Every address in running text (page text, a display name), in normal form and in order. */
export function addressesIn(text: string | null | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const token of text.split(TOKEN_SEPARATORS)) {
    if (token.length > MAX_TOKEN || !token.includes('@')) continue;
    const found = ADDRESS_IN_TOKEN.exec(token);
    const address = found && parseAddress(found[0]);
    if (address) out.push(address);
  }
  return out;
}
