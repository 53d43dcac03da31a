// The one address rule (docs/api.md, Addresses): RFC 5322 §3.4 cases (display names, comments,
// groups, quoted local parts), RFC 6531/6532 UTF-8 addresses and IDN domains, and properties of
// the parser and the normal form over random input.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressesIn,
  addressOf,
  domainOf,
  isAddress,
  limitKey,
  localPartOf,
  mailboxesIn,
  normalizeAddress,
  parseAddress,
  sameAddress,
  singleMailbox,
  uniqueAddresses,
} from './address.ts';

const ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
const atom = fc.string({
  unit: fc.constantFrom(...ATEXT, 'é', 'ü', 'Ä', '用', 'ж'),
  minLength: 1,
  maxLength: 10,
});
const localPart = fc.array(atom, { minLength: 1, maxLength: 3 }).map((a) => a.join('.'));
const label = fc
  .tuple(
    fc.constantFrom(...'abcxyzABCXYZ019', 'ü', 'ö', 'É', '例'),
    fc.string({ unit: fc.constantFrom(...'abcxyz019-', 'ü'), maxLength: 8 }),
    fc.constantFrom(...'abcXYZ09', 'ß'),
  )
  .map(([a, b, c]) => a + b + c);
const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
const dottedDomain = fc.array(label, { minLength: 2, maxLength: 3 }).map((l) => l.join('.'));
const address = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
const displayName = fc.string({ unit: fc.constantFrom(...'Ab z.,;:<>@()"\\', 'ö'), maxLength: 16 });
const quoted = (name: string) => `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

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

  it('asciiDomain admits only LDH domains (mail that needs no SMTPUTF8)', () => {
    expect(isAddress('jörg@example.org', { asciiDomain: true })).toBe(true);
    expect(isAddress('a@bücher.de', { asciiDomain: true })).toBe(false);
    expect(isAddress('a@xn--bcher-kva.de', { asciiDomain: true })).toBe(true);
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

  it('uniqueAddresses: normal form, first occurrence, non-addresses dropped', () => {
    expect(uniqueAddresses(['B@x.org', 'a@x.org', 'b@X.org', 'junk', ' a@x.org '])).toEqual([
      'b@x.org',
      'a@x.org',
    ]);
  });
});
