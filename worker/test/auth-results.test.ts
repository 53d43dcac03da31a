// Cloudflare's Authentication-Results (RFC 8601) and the Autocrypt header, parsed: only the
// topmost header with Cloudflare's authserv-id counts, comments and quoting do not confuse the
// parser, and no input makes it throw.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudflareVerdicts, parseAuthenticationResults } from '../src/inbound/auth-results.ts';
import { parseAutocrypt } from '../src/inbound/autocrypt.ts';

const ar = (value: string) => ({
  key: 'authentication-results',
  originalKey: 'Authentication-Results',
  value,
});

describe('Authentication-Results', () => {
  it('reads results, properties and the authserv-id, skipping comments (RFC 8601 §2.2)', () => {
    const v = cloudflareVerdicts(
      [
        ar(
          'mx.cloudflare.net (comment; dmarc=fail); dkim=fail header.d=a.example; dkim=pass (good) header.d=b.example; spf=softfail smtp.mailfrom="x;y@b.example"; dmarc=pass (p=REJECT) header.from=B.example.',
        ),
      ],
      'someone@b.example',
    );
    expect(v).toEqual({ spf: 'softfail', dkim: 'pass', dmarc: 'pass', aligned: true });
  });

  it('the first Cloudflare header wins; headers from other hosts and later copies are ignored', () => {
    const headers = [
      ar('mx.google.com; dmarc=pass header.from=bank.example'),
      ar('mx.cloudflare.net; dmarc=fail header.from=bank.example; spf=fail; dkim=none'),
      ar('mx.cloudflare.net; dmarc=pass header.from=bank.example; spf=pass; dkim=pass'),
    ];
    expect(cloudflareVerdicts(headers, 'a@bank.example')).toEqual({
      spf: 'fail',
      dkim: 'none',
      dmarc: 'fail',
      aligned: false,
    });
  });

  it('alignment needs DMARC pass for the From domain itself', () => {
    const h = [ar('mx.cloudflare.net; dmarc=pass header.from=other.example')];
    expect(cloudflareVerdicts(h, 'a@bank.example').aligned).toBe(false);
    expect(cloudflareVerdicts(h, undefined).aligned).toBe(false);
    expect(cloudflareVerdicts([], 'a@bank.example')).toEqual({
      spf: 'unknown',
      dkim: 'unknown',
      dmarc: 'unknown',
      aligned: false,
    });
  });

  it('unknown result words are "unknown", never a pass', () => {
    expect(
      cloudflareVerdicts([ar('mx.cloudflare.net; dmarc=passed; spf=PASS')], 'a@b.example'),
    ).toMatchObject({
      dmarc: 'unknown',
      spf: 'pass',
    });
  });

  it('property: no header value throws; headers after the first Cloudflare one change nothing', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .array(
          fc.constantFrom(
            'mx.cloudflare.net',
            ';',
            ' ',
            '(',
            ')',
            '"',
            '\\',
            'dmarc=pass',
            'header.from=x.example',
            '=',
          ),
          {
            maxLength: 30,
          },
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(value, fc.array(value, { maxLength: 4 }), (first, later) => {
        parseAuthenticationResults(first);
        const head = ar(`mx.cloudflare.net; ${first}`);
        const base = cloudflareVerdicts([head], 'a@x.example');
        expect(cloudflareVerdicts([head, ...later.map(ar)], 'a@x.example')).toEqual(base);
      }),
    );
  });
});

describe('Autocrypt header (Autocrypt Level 1 §2.1)', () => {
  it('parses addr, prefer-encrypt and keydata with folding whitespace', () => {
    expect(parseAutocrypt('addr=Dave@Example.org; prefer-encrypt=mutual; keydata=bWFs\r\n bG9yeQ==')).toEqual(
      {
        addr: 'dave@example.org',
        preferEncrypt: 'mutual',
        keydata: 'bWFsbG9yeQ==',
      },
    );
    expect(parseAutocrypt('addr=a@b.example; _x=1; keydata=AAAA')?.preferEncrypt).toBe('nopreference');
  });

  it('ignores the header on an unknown critical attribute, a missing part or bad base64', () => {
    expect(parseAutocrypt('addr=a@b.example; type=1; keydata=AAAA')).toBeNull();
    expect(parseAutocrypt('addr=a@b.example')).toBeNull();
    expect(parseAutocrypt('keydata=AAAA')).toBeNull();
    expect(parseAutocrypt('addr=a@b.example; keydata=<script>')).toBeNull();
    expect(parseAutocrypt('addr=a@b.example; addr=c@d.example; keydata=AAAA')).toBeNull();
  });

  it('property: never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseAutocrypt(s);
      }),
    );
  });
});
