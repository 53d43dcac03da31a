// The demo webmail's accounts. Addresses are configurable so tests can use any domain; each
// account also has a default skin, which `?skin=` in a URL overrides.

export type Skin = 'gmail' | 'outlook' | 'plain';
export const SKINS: readonly Skin[] = ['gmail', 'outlook', 'plain'];

export interface Account {
  /** Short name used in URLs and on disk: alice, bob, carol, dave. */
  name: string;
  address: string;
  displayName: string;
  skin: Skin;
}

export const ACCOUNT_NAMES = ['alice', 'bob', 'carol', 'dave'] as const;

const DEFAULT_SKINS: Record<string, Skin> = { alice: 'gmail', bob: 'outlook', carol: 'plain', dave: 'gmail' };

export interface AccountOptions {
  /** Domain for every default address (default `webmail.localhost`). */
  domain?: string;
  /** Per-account overrides, e.g. `{ alice: { address: 'alice@example.org', skin: 'outlook' } }`. */
  overrides?: Record<string, Partial<Omit<Account, 'name'>>>;
}

export function buildAccounts(options: AccountOptions = {}): Account[] {
  const domain = options.domain ?? 'webmail.localhost';
  return ACCOUNT_NAMES.map((name) => ({
    name,
    address: `${name}@${domain}`,
    displayName: name[0]!.toUpperCase() + name.slice(1),
    skin: DEFAULT_SKINS[name] ?? 'gmail',
    ...options.overrides?.[name],
  }));
}

export function isSkin(value: unknown): value is Skin {
  return typeof value === 'string' && (SKINS as readonly string[]).includes(value);
}

// A deliberately simple addr-spec check (RFC 5322 §3.4.1 without quoted local parts or
// domain literals): enough to refuse garbage at the API edge.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function isAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value);
}
