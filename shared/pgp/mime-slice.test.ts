import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressOf } from '../address-fields.ts';
import { fromUtf8, utf8 } from '../encoding.ts';
import { nestedCryptoParts, parseContentType, splitEntity, splitMultipart } from './mime-slice.ts';
import { emptyVerdict, userIdsContainAddress, withFrom } from './verdict.ts';

describe('splitEntity', () => {
  it('unfolds headers and finds the body after the first empty line', () => {
    const e = splitEntity(
      utf8('Content-Type: multipart/signed;\r\n\tboundary="b 1"\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody\r\n\r\nmore'),
    );
    expect(e.headers.get('content-type')).toBe('multipart/signed;\tboundary="b 1"');
    expect(e.headers.get('x-a')).toBe('1');
    expect(fromUtf8(e.body)).toBe('body\r\n\r\nmore');
  });

  it('tolerates bare LF and a missing body', () => {
    expect(fromUtf8(splitEntity(utf8('A: b\n\nhi\n')).body)).toBe('hi\n');
    expect(splitEntity(utf8('A: b')).body.length).toBe(0);
  });
});

describe('parseContentType', () => {
  it('reads quoted and token parameters, case-insensitively', () => {
    const ct = parseContentType(
      'Multipart/Signed; micalg=pgp-sha256; PROTOCOL="application/pgp-signature"; boundary="a\\"b;c"',
    );
    expect(ct.type).toBe('multipart/signed');
    expect(ct.params.get('micalg')).toBe('pgp-sha256');
    expect(ct.params.get('protocol')).toBe('application/pgp-signature');
    expect(ct.params.get('boundary')).toBe('a"b;c');
    expect(parseContentType(undefined).type).toBe('text/plain');
  });
});

describe('splitMultipart', () => {
  it('returns each part without the line break that belongs to the next delimiter (RFC 2046 §5.1.1)', () => {
    const body = utf8(
      'preamble\r\n--xyz\r\nA: 1\r\n\r\none\r\n\r\n--xyz  \r\ntwo\r\n--xyz--\r\nepilogue\r\n--xyz\r\nignored',
    );
    expect(splitMultipart(body, 'xyz').map(fromUtf8)).toEqual(['A: 1\r\n\r\none\r\n', 'two']);
  });

  it('does not take a longer boundary or a line that only starts with it', () => {
    const body = utf8('--b\r\nx\r\n--bb\r\ny\r\n--b-x\r\n--b--');
    expect(splitMultipart(body, 'b').map(fromUtf8)).toEqual(['x\r\n--bb\r\ny\r\n--b-x']);
  });

  it('recovers the exact parts that were joined (property)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', '-', ' ', 'é', '=', '\r\n'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (parts) => {
        const boundary = 'noise-0123456789';
        const body = `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
        expect(splitMultipart(utf8(body), boundary).map(fromUtf8)).toEqual(parts);
      }),
    );
  });

  it('finds crypto parts nested inside multipart/mixed', () => {
    const eml = utf8(
      [
        'Content-Type: multipart/mixed; boundary=outer',
        '',
        '--outer',
        'Content-Type: text/plain',
        '',
        'hi',
        '--outer',
        'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary=inner',
        '',
        '--inner',
        'signed',
        '--inner',
        'sig',
        '--inner--',
        '--outer--',
      ].join('\r\n'),
    );
    const found = nestedCryptoParts(eml);
    expect(found.map((f) => f.type)).toEqual(['multipart/signed']);
    expect(nestedCryptoParts(found[0]!.bytes)).toEqual([]);
  });
});

describe('verdict helpers', () => {
  it('extracts addresses and matches them case-insensitively', () => {
    expect(addressOf('Alice <Alice@Example.org>')).toBe('alice@example.org');
    expect(addressOf('bob@example.net')).toBe('bob@example.net');
    expect(addressOf('no address here')).toBe('');
    expect(
      userIdsContainAddress(['Eve <eve@x.example>', 'Alice <alice@example.org>'], 'ALICE@example.org'),
    ).toBe(true);
    expect(userIdsContainAddress(['Alice <alice@example.org.evil>'], 'alice@example.org')).toBe(false);
  });

  it('counts only valid signatures from the sender as signedBySender', () => {
    const base = {
      ...emptyVerdict('pgp'),
      signatures: [
        { keyId: 'A', status: 'invalid' as const, signerUserIds: ['<a@x.example>'], signerMatchesFrom: null },
        { keyId: 'B', status: 'valid' as const, signerUserIds: ['<b@x.example>'], signerMatchesFrom: null },
      ],
    };
    expect(withFrom(base, 'a@x.example').signedBySender).toBe(false);
    expect(withFrom(base, 'b@x.example').signedBySender).toBe(true);
    expect(withFrom(base, null).signatures.map((s) => s.signerMatchesFrom)).toEqual([null, null]);
  });
});
