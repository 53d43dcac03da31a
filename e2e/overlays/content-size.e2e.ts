// The built content script stays small and carries no crypto (docs/threat-model.md, the webmail
// page): at most 30 KB minified, no OpenPGP or noble code, no schema library. Runs on the build `npm test` makes first.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const output = resolve(import.meta.dirname, '../../.output');
const LIMIT = 30 * 1024;

describe.each(['chrome-mv3', 'firefox-mv3'])('content script in %s', (target) => {
  const file = join(output, target, 'content-scripts', 'content.js');
  it(`is at most ${LIMIT} bytes minified and holds no crypto library`, () => {
    const code = readFileSync(file, 'utf8');
    expect(code.length).toBeLessThanOrEqual(LIMIT);
    // Minified: a handful of long lines, not formatted source.
    expect(code.split('\n').length).toBeLessThan(50);
    expect(code).not.toMatch(/openpgp|OpenPGP\.js|x25519|ed25519|chacha|argon2|zod/i);
    expect(code).not.toMatch(/crypto\.subtle/);
  });
});
