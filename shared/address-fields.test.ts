// Address header fields through postal-mime (docs/api.md, Addresses): RFC 5322 §3.4 and
// appendix A cases (display names, comments, groups, quoted local parts, encoded words), and
// properties over random names and lists.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAddress, sameAddress } from './address.ts';
import { addressOf, mailboxesIn, singleMailbox } from './address-fields.ts';
import { address, displayName, quoted } from './test/address-arbitraries.ts';

describe('header fields through postal-mime', () => {
  it('reads display names, quoted names with specials, comments and encoded words (RFC 5322 §3.4, A.5)', () => {
    expect(mailboxesIn('"Joe Q. Public" <john.q.public@example.com>')).toEqual([
      { name: 'Joe Q. Public', address: 'john.q.public@example.com', written: 'john.q.public@example.com' },
    ]);
    expect(mailboxesIn('"Giant; \\"Big\\" Box" <sysservices@example.net>')[0]).toMatchObject({
      name: 'Giant; "Big" Box',
      address: 'sysservices@example.net',
    });
    expect(addressOf('Pete(A nice chap) <pete(his account)@silly.test(his host)>')).toBe('pete@silly.test');
    expect(addressOf('alice@example.org (Alice)')).toBe('alice@example.org');
    expect(mailboxesIn('=?utf-8?q?J=C3=B6rg?= <J@Example.DE>')).toEqual([
      { name: 'Jörg', address: 'j@example.de', written: 'J@Example.DE' },
    ]);
  });

  it('puts group members in place of their group (RFC 5322 §3.4, A.1.3)', () => {
    const list = mailboxesIn('A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, x@y.test');
    expect(list.map((m) => m.address)).toEqual(['c@a.test', 'joe@where.test', 'jdoe@one.test', 'x@y.test']);
    expect(mailboxesIn('Undisclosed recipients:;')).toEqual([]);
    expect(singleMailbox('Team: a@b.test;')).toBeNull();
  });

  it('keeps a mailbox whose address is quoted or a literal, but with no address', () => {
    expect(mailboxesIn('<"john doe"@example.com>')[0]!.address).toBe('');
    expect(mailboxesIn('"john doe"@example.com')[0]!.address).toBe('');
    expect(mailboxesIn('x <user@[192.0.2.1]>')[0]!.address).toBe('');
  });

  it('finds the address of any quoted display name, whatever it holds', () => {
    fc.assert(
      fc.property(displayName, address, (name, a) => {
        const list = mailboxesIn(`${quoted(name)} <${a}>`);
        expect(list.map((m) => m.address)).toEqual([normalizeAddress(a)]);
        expect(singleMailbox(`${quoted(name)} <${a}>`)?.written).toBe(a);
      }),
    );
  });

  it('reads a list of mailboxes in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(displayName, address), { minLength: 1, maxLength: 5 }), (entries) => {
        const field = entries.map(([n, a]) => (n ? `${quoted(n)} <${a}>` : a)).join(', ');
        expect(mailboxesIn(field).map((m) => m.address)).toEqual(entries.map(([, a]) => normalizeAddress(a)));
      }),
    );
  });
});

describe('addressOf and singleMailbox: one mailbox or nothing', () => {
  it('answers only when the text names exactly one address', () => {
    expect(addressOf('Alice <Alice@Example.org>')).toBe('alice@example.org');
    expect(addressOf('alice@example.org')).toBe('alice@example.org');
    expect(addressOf('Smith, John <j@x.org>')).toBe('j@x.org');
    expect(addressOf('Alice <alice@good.example>, Bob <bob@evil.example>')).toBe('');
    expect(addressOf('no address here')).toBe('');
    expect(addressOf('"bob@evil.example" <alice@good.example>')).toBe('alice@good.example');
    expect(singleMailbox('Smith, John <j@x.org>')).toBeNull();
    expect(singleMailbox('A <a@x.org>, B <b@x.org>')).toBeNull();
  });

  it('two different addresses never yield one', () => {
    fc.assert(
      fc.property(address, address, displayName, (a, b, name) => {
        fc.pre(!sameAddress(a, b));
        expect(addressOf(`${quoted(name)} <${a}>, ${b}`)).toBe('');
        expect(singleMailbox(`${a}, ${b}`)).toBeNull();
      }),
    );
  });
});
