// Reading e-mail addresses out of what webmail pages show: attributes, "Name <addr>" text,
// comma-separated fields. A plain addr-spec shape (RFC 5322 §3.4.1, no quoted local parts).

const ADDRESS_IN_TEXT =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;
const ADDRESS_ONLY = new RegExp(`^${ADDRESS_IN_TEXT.source}$`);

export function isAddress(value: string): boolean {
  return ADDRESS_ONLY.test(value);
}

/** Every address in a piece of text, in order. */
export function addressesIn(text: string | null | undefined): string[] {
  return text ? (text.match(ADDRESS_IN_TEXT) ?? []) : [];
}

/** The first address in any of the element's attributes, checked in the order given. */
export function addressInAttributes(el: Element, names: readonly string[]): string | null {
  for (const name of names) {
    const found = addressesIn(el.getAttribute(name))[0];
    if (found) return found;
  }
  return null;
}

/** Case-insensitive de-duplication; addresses are returned lower-cased (RFC 5321 §2.4 allows
 * case-sensitive local parts, but no real provider treats them so, and keys are looked up
 * lower-cased). */
export function uniqueAddresses(list: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of list) {
    const lower = a.trim().toLowerCase();
    if (!lower || seen.has(lower)) continue;
    seen.add(lower);
    out.push(lower);
  }
  return out;
}
