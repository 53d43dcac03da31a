// Production builds never match the local demo hosts nor let them frame our pages; development
// builds do (extension/webmail-hosts.ts). The built manifests are checked in e2e/extension/build-hosts.e2e.ts.

import { describe, expect, it } from 'vitest';
import { extensionPagesCsp, matchesForBuild, WEBMAIL_MATCHES, webmailMatches } from './webmail-hosts.ts';

const LOCAL = /127\.0\.0\.1|localhost/;

describe('webmail hosts per build', () => {
  it('production (and any mode but development) matches no local host', () => {
    for (const mode of ['production', 'staging', '']) {
      expect(
        webmailMatches(mode).some((m) => LOCAL.test(m)),
        mode,
      ).toBe(false);
      expect(
        matchesForBuild(WEBMAIL_MATCHES, mode).some((m) => LOCAL.test(m)),
        mode,
      ).toBe(false);
      expect(extensionPagesCsp(mode)).not.toMatch(LOCAL);
      expect(extensionPagesCsp(mode)).toContain('https://mail.google.com');
    }
  });

  it('development matches the demo webmail and lets it frame the pages', () => {
    expect(webmailMatches('development')).toEqual(
      expect.arrayContaining(['http://127.0.0.1/*', 'http://localhost/*']),
    );
    expect(extensionPagesCsp('development')).toContain('http://127.0.0.1:* http://localhost:*');
  });
});
