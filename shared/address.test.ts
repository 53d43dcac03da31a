// The one address rule (docs/api.md, Addresses): what is an address (RFC 5322 §3.4.1 dot-atoms,
// no quoted local parts or domain literals, RFC 6531/6532 UTF-8 and IDN domains, RFC 5321 length
// limits), its normal form, the limit key, and finding addresses in running text; properties
// over random input.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressesIn,
  domainOf,
  hasAsciiDomain,
  isAddress,
  limitKey,
  localPartOf,
  normalizeAddress,
  parseAddress,
  sameAddress,
  uniqueAddresses,
} from './address.ts';
import { mailboxesIn } from './address-fields.ts';
import { address, atom, domain, dottedDomain, localPart } from './test/address-arbitraries.ts';

describe('isAddress and the normal form', () => {
  it('accepts every dot-atom address of the grammar, and its normal form is stable', () => {
    fc.assert(
      fc.property(address, (a) => {
        expect(isAddress(a)).toBe(true);
        const n = normalizeAddress(a);
        expect(parseAddress(a)).toBe(n);
        expect(normalizeAddress(n)).toBe(n);
        expect(isAddress(n)).toBe(true);
        expect(
          sameAddress(
            a,
            a.replace(/[a-z]/g, (c) => c.toUpperCase()),
          ),
        ).toBe(true);
        expect(domainOf(a)).toBe(normalizeAddress(a.slice(a.lastIndexOf('@') + 1)));
        expect(`${localPartOf(a)}@${domainOf(a)}`).toBe(n);
      }),
    );
  });

  it('never throws and only ever answers with an address in normal form', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const parsed = parseAddress(text);
        if (parsed !== null) {
          expect(isAddress(parsed)).toBe(true);
          expect(normalizeAddress(parsed)).toBe(parsed);
        }
        for (const m of mailboxesIn(text)) if (m.address) expect(isAddress(m.address)).toBe(true);
        for (const a of addressesIn(text)) expect(parseAddress(a)).toBe(a);
      }),
    );
  });

  it('lowercases local part and domain alike, and composes to NFC (RFC 6532 §3.1)', () => {
    expect(normalizeAddress('  Alice.B@Example.ORG ')).toBe('alice.b@example.org');
    expect(normalizeAddress('JOSE\u0301@Bücher.DE')).toBe('jos\u00e9@bücher.de');
    expect(sameAddress('jos\u00e9@x.de', 'jose\u0301@x.de')).toBe(true);
    expect(parseAddress('用户@例子.广告')).toBe('用户@例子.广告');
  });

  it('refuses quoted local parts, domain literals, obsolete dots, spaces and over-long parts', () => {
    for (const bad of [
      '"john doe"@example.com',
      '"john"@example.com',
      'user@[192.0.2.1]',
      'a..b@example.org',
      '.a@example.org',
      'a.@example.org',
      'a b@example.org',
      'a@b@example.org',
      'a@-example.org',
      'a@example-.org',
      'a@example..org',
      'a@example.org.',
      '@example.org',
      'a@',
      'Alice <a@example.org>',
      `${'x'.repeat(65)}@example.org`,
      `a@${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(63)}.org`,
    ])
      expect([bad, isAddress(bad)]).toEqual([bad, false]);
    expect(isAddress(`${'x'.repeat(64)}@example.org`)).toBe(true);
    expect(isAddress('root@localhost')).toBe(true);
  });

  it('hasAsciiDomain: an LDH domain (mail that needs no SMTPUTF8)', () => {
    expect(hasAsciiDomain('jörg@example.org')).toBe(true);
    expect(hasAsciiDomain('a@bücher.de')).toBe(false);
    expect(hasAsciiDomain('a@xn--bcher-kva.de')).toBe(true);
  });
});

describe('limitKey: tagged and case variants are one mailbox for limits only', () => {
  it('drops a +tag and case, keeps the identity otherwise', () => {
    expect(limitKey('Alice+News@Example.org')).toBe('alice@example.org');
    expect(limitKey('ALICE@example.ORG')).toBe('alice@example.org');
    expect(limitKey('+only@example.org')).toBe('+only@example.org');
    expect(normalizeAddress('alice+news@example.org')).not.toBe(normalizeAddress('alice@example.org'));
  });

  it('is stable and never merges two different base mailboxes', () => {
    fc.assert(
      fc.property(localPart, localPart, domain, atom, (a, b, d, tag) => {
        const key = limitKey(`${a}+${tag}@${d}`);
        expect(limitKey(key)).toBe(key);
        if (!a.includes('+') && !b.includes('+') && normalizeAddress(a) !== normalizeAddress(b))
          expect(limitKey(`${a}@${d}`)).not.toBe(limitKey(`${b}+${tag}@${d}`));
      }),
    );
  });
});

describe('addressesIn: addresses in running text', () => {
  it('finds each address between separators, in normal form', () => {
    expect(addressesIn('write to Alice.B+x@Example.ORG, or <bob@x.io>; not @media nor a@b')).toEqual([
      'alice.b+x@example.org',
      'bob@x.io',
    ]);
    expect(addressesIn('mailto:jörg@bücher.de')).toEqual(['jörg@bücher.de']);
    expect(addressesIn(null)).toEqual([]);
  });

  it('finds every dotted-domain address of a list however it is punctuated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(localPart, dottedDomain), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(', ', '; ', ' ', '\n', ' <', '> '),
        (parts, sep) => {
          const list = parts.map(([l, d]) => `${l}@${d}`);
          expect(addressesIn(list.join(sep))).toEqual(list.map(normalizeAddress));
        },
      ),
    );
  });

  it('stays linear on long runs without an address (a base64 blob, a wall of @)', () => {
    const started = performance.now();
    addressesIn('A'.repeat(1_000_000));
    addressesIn(`${'a'.repeat(1000)}@`.repeat(1000));
    addressesIn('@'.repeat(1_000_000));
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('uniqueAddresses: normal form, first occurrence; junk kept for the caller to refuse', () => {
    expect(uniqueAddresses(['B@x.org', 'a@x.org', 'b@X.org', ' ', 'Junk', ' a@x.org '])).toEqual([
      'b@x.org',
      'a@x.org',
      'junk',
    ]);
  });
});
