// Reading e-mail addresses out of what webmail pages show: attributes, "Name <addr>" text,
// comma-separated fields. What counts as an address, and its normal form, is shared/address.ts.

import { addressesIn } from '../../shared/address.ts';

export { addressesIn, uniqueAddresses } from '../../shared/address.ts';

/** The first address in any of the element's attributes, checked in the order given. */
export function addressInAttributes(el: Element, names: readonly string[]): string | null {
  for (const name of names) {
    const found = addressesIn(el.getAttribute(name))[0];
    if (found) return found;
  }
  return null;
}
