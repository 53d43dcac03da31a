// One table of character references, two strictness levels (WHATWG HTML §13.5).

import { describe, expect, it } from 'vitest';
import { decodeCharacterReferences } from './html-entities.ts';

describe('decodeCharacterReferences', () => {
  it('decodes once, as a renderer does: no ; needed, a non-character shows as U+FFFD', () => {
    expect(decodeCharacterReferences('a &amp;lt; b &lt c &#61;&#x3D; &#0; &unknown;')).toBe(
      'a &lt; b < c == \ufffd &unknown;',
    );
  });

  it('strict (armor repair): only ;-closed references to a character, the rest left as written', () => {
    expect(decodeCharacterReferences('a &amp;lt; b &lt c &#61;&#x3D; &#0; &#xD800; &unknown;', true)).toBe(
      'a &lt; b &lt c == &#0; &#xD800; &unknown;',
    );
    expect(decodeCharacterReferences('&nbsp;&ensp;&NewLine;&equals;', true)).toBe('\u00a0\u2002\n=');
  });
});
