// HTML character references (WHATWG HTML §13.5): numeric ones, and the named ones likely in mail
// and around armor; any other name is left as written. One table for the armor repair and the
// HTML body reader, which differ only in how strict they are (see `decodeCharacterReferences`).

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  shy: '\u00ad',
  equals: '=',
  sol: '/',
  plus: '+',
  colon: ':',
  hyphen: '\u2010',
  dash: '\u2010',
  newline: '\n',
  tab: '\t',
};

const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}))(;?)/g;

/**
 * Decodes character references once. A renderer (the default) takes them without the closing
 * `;` too and shows a reference to no character (0, a surrogate, past U+10FFFF) as U+FFFD.
 * `strict` (repairing damaged armor) takes only references closed by `;` that name a character,
 * and leaves anything else exactly as it was.
 */
export function decodeCharacterReferences(text: string, strict = false): string {
  if (!text.includes('&')) return text;
  return text.replace(
    REFERENCE,
    (match, dec?: string, hexDigits?: string, name?: string, semicolon?: string) => {
      if (strict && !semicolon) return match;
      if (name !== undefined) {
        const named = NAMED[name.toLowerCase()];
        return named === undefined ? match : named;
      }
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hexDigits ?? '', 16);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return strict ? match : '\ufffd';
      return String.fromCodePoint(code);
    },
  );
}
