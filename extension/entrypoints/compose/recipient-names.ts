// Recipients the webmail shows by name only (providers/types.ts NamedRecipient): a name that
// exactly one contact's key carries becomes that address, shown to the user for checking.

import { call } from '../../messages/client.ts';
import type { NamedRecipient } from '../../providers/types.ts';

export interface NamedMatch extends NamedRecipient {
  address: string;
}

/** Names matched to one contact each are `found`; any other name is `left` to the user. */
export async function resolveNames(
  names: NamedRecipient[],
): Promise<{ found: NamedMatch[]; left: NamedRecipient[] }> {
  const found: NamedMatch[] = [];
  const left: NamedRecipient[] = [];
  for (const n of names) {
    const matches = await call('contacts.byName', { name: n.name }).catch(() => []);
    const only = matches.length === 1 ? matches[0] : undefined;
    if (only) found.push({ ...n, address: only.address });
    else left.push(n);
  }
  return { found, left };
}
