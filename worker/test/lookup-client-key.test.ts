import { describe, expect, it } from 'vitest';
import { clientKey, ipv6Prefix64 } from '../src/lookup/client-key.ts';

describe('rate-limit client keys', () => {
  it('reduces IPv6 to its /64 and keeps IPv4 whole', () => {
    expect(ipv6Prefix64('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2');
    expect(ipv6Prefix64('2001:0DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2');
    expect(ipv6Prefix64('2001:db8::1')).toBe('2001:db8:0:0');
    expect(ipv6Prefix64('::1')).toBe('0:0:0:0');
    expect(ipv6Prefix64('::ffff:192.0.2.1')).toBe('0:0:0:0');
    expect(ipv6Prefix64('192.0.2.1')).toBeNull();
    expect(ipv6Prefix64('1:2:3:4:5:6:7')).toBeNull();
    expect(ipv6Prefix64('1::2::3')).toBeNull();
    expect(ipv6Prefix64('zz::1')).toBeNull();
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::9'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey(undefined)).toBeUndefined();
  });
});
