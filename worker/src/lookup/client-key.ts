// Which client a request comes from, for rate limits: CF-Connecting-IP, with IPv6 reduced to
// its /64 (one subscriber usually holds a whole /64, so per-address limits would be free to
// dodge there).

/** The /64 prefix of an IPv6 address as 4 lowercase hextets, or null if it is not IPv6. */
export function ipv6Prefix64(ip: string): string | null {
  if (!ip.includes(':') || !/^[0-9a-fA-F:.]+$/.test(ip)) return null;
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) occupies two hextets.
  const tailGroups = tail.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const missing = 8 - head.length - tailGroups;
  if (halves.length === 1 ? head.length + tailGroups !== 8 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const first = groups.slice(0, 4);
  if (first.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return first.map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':');
}

/** The rate-limit key of a client: its IPv4 address, its IPv6 /64, or undefined without a header. */
export function clientKey(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v6 = ipv6Prefix64(ip.trim());
  return v6 ? `${v6}::/64` : ip.trim();
}

/**
 * The client behind Cloudflare's edge, for limits that must not lump everyone together: none
 * without CF-Connecting-IP or with a loopback address in it (`wrangler dev` sets 127.0.0.1),
 * where there is no edge in front and no client to key on.
 */
export function edgeClient(ip: string | undefined): string | undefined {
  const raw = ip?.trim();
  if (!raw || /^127\./.test(raw) || raw === '::1' || /^::ffff:127\./i.test(raw)) return undefined;
  return clientKey(raw);
}
