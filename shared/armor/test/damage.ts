// What webmail does to text, as composable transforms for the detector's property tests.
// Each takes the whole mail text (LF line endings unless the CRLF/CR transform ran last).

import fc from 'fast-check';

export type Damage = (text: string) => string;

/** `> ` quoting at a depth, in one consistent style (`> > `, `>> ` or `>`). */
export function quote(depth: number, style: 'spaced' | 'packed' | 'tight'): Damage {
  const mark =
    style === 'spaced'
      ? '> '.repeat(depth)
      : style === 'packed'
        ? `${'>'.repeat(depth)} `
        : '>'.repeat(depth);
  return (text) =>
    text
      .split('\n')
      .map((l) => (l === '' ? mark.trimEnd() : mark + l))
      .join('\n');
}

/** Joins the base64 lines of each armor section and re-splits them at `width` columns. */
export function rewrap(width: number): Damage {
  return (text) => {
    const lines = text.split('\n');
    const out: string[] = [];
    let run: string[] = [];
    const flush = () => {
      const joined = run.join('');
      for (let i = 0; i < joined.length; i += width) out.push(joined.slice(i, i + width));
      run = [];
    };
    for (const l of lines) {
      // Only plain base64 data lines are re-wrapped; the checksum line (`=XXXX`) stays put.
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(l) && l.length > 8) run.push(l);
      else {
        flush();
        out.push(l);
      }
    }
    flush();
    return out.join('\n');
  };
}

/** Removes the blank line after a BEGIN/headers, or adds extra ones. */
export function blankLines(mode: 'remove' | 'add'): Damage {
  return (text) =>
    mode === 'remove'
      ? text.replace(
          /(-----BEGIN PGP (?:MESSAGE|PUBLIC KEY BLOCK|SIGNATURE)-----\n(?:[A-Za-z]+: [^\n]*\n)*)\n/g,
          '$1',
        )
      : text.replace(
          /(-----BEGIN PGP (?:MESSAGE|PUBLIC KEY BLOCK|SIGNATURE)-----\n(?:[A-Za-z]+: [^\n]*\n)*)\n/g,
          '$1\n\n\n',
        );
}

export function trailingBlanks(pad: string): Damage {
  return (text) => text.replace(/\n/g, `${pad}\n`);
}

/** A renderer's non-breaking spaces and zero-width breaks. */
export function oddSpaces(space: string): Damage {
  return (text) => text.replace(/ /g, space);
}

/** Quoted-printable body encoding (RFC 2045 §6.7) with soft breaks at `limit` columns. */
export function quotedPrintable(limit: number): Damage {
  return (text) =>
    text
      .split('\n')
      .map((line) => {
        let enc = '';
        for (const b of new TextEncoder().encode(line)) {
          enc +=
            b === 61 || b > 126 || b < 32
              ? `=${b.toString(16).toUpperCase().padStart(2, '0')}`
              : String.fromCharCode(b);
        }
        enc = enc.replace(/ $/, '=20');
        const parts: string[] = [];
        while (enc.length > limit) {
          let cut = limit - 1;
          // Never split an `=XX` escape.
          const esc = enc.lastIndexOf('=', cut);
          if (esc >= 0 && esc > cut - 3) cut = esc;
          if (cut === 0) cut = 3;
          parts.push(`${enc.slice(0, cut)}=`);
          enc = enc.slice(cut);
        }
        parts.push(enc);
        return parts.join('\n');
      })
      .join('\n');
}

/** Only `=` left as `=3D`: a quoted-printable decoder that ran halfway. */
export const qpLeftovers: Damage = (text) => text.replace(/=/g, '=3D');

/** Text escaped into HTML source; the `=` form varies between mailers. */
export function htmlEscaped(equals: '&#61;' | '&#x3D;' | '=' | '&equals;'): Damage {
  return (text) =>
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\u00a0/g, '&nbsp;')
      .replace(/=/g, equals);
}

export function lineEndings(eol: '\r\n' | '\r'): Damage {
  return (text) => text.replace(/\r\n|\r|\n/g, eol);
}

/**
 * A random realistic combination, applied in the order mail passes through systems: re-wrap and
 * blank lines, quoting, trailing blanks, odd spaces, transfer encoding, HTML, line endings.
 */
export function arbitraryDamage(opts: { signed: boolean }): fc.Arbitrary<{ names: string[]; apply: Damage }> {
  const step = <T>(name: string, arb: fc.Arbitrary<T>, make: (v: T) => Damage) =>
    fc.option(
      arb.map((v) => ({ name: `${name}(${JSON.stringify(v)})`, fn: make(v) })),
      { freq: 2 },
    );
  return fc
    .tuple(
      opts.signed ? fc.constant(null) : step('rewrap', fc.integer({ min: 12, max: 76 }), rewrap),
      step('blankLines', fc.constantFrom('remove' as const, 'add' as const), blankLines),
      step(
        'quote',
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom('spaced' as const, 'packed' as const, 'tight' as const),
        ),
        ([d, s]) => quote(d, s),
      ),
      step('trailingBlanks', fc.constantFrom(' ', '  ', '\t', ' \t '), trailingBlanks),
      step('oddSpaces', fc.constantFrom('\u00a0', '\u2002', '\u202f', '\u3000'), oddSpaces),
      fc.oneof(
        fc.constant(null),
        step('quotedPrintable', fc.integer({ min: 60, max: 76 }), quotedPrintable),
        fc.constant({ name: 'qpLeftovers', fn: qpLeftovers }),
      ),
      step(
        'htmlEscaped',
        fc.constantFrom('&#61;' as const, '&#x3D;' as const, '=' as const, '&equals;' as const),
        htmlEscaped,
      ),
      step('lineEndings', fc.constantFrom('\r\n' as const, '\r' as const), lineEndings),
    )
    .map((steps) => {
      const chosen = steps.filter((s): s is { name: string; fn: Damage } => s !== null);
      return {
        names: chosen.map((s) => s.name),
        // openpgp.js leaves CRLF inside cleartext-signed text; mail transport makes all EOLs one kind.
        apply: (text: string) => chosen.reduce((t, s) => s.fn(t), text.replace(/\r\n?/g, '\n')),
      };
    });
}
