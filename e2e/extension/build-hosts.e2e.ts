// The built manifests (npm run build, npm run build:dev): a production build matches no local
// host and lets none frame its pages; a development build (the one the e2e tests load) does.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const output = resolve(import.meta.dirname, '../../.output');
const LOCAL = /127\.0\.0\.1|localhost/;

interface Manifest {
  content_scripts: { matches: string[] }[];
  web_accessible_resources: { matches: string[] }[];
  content_security_policy: { extension_pages: string };
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(output, dir, 'manifest.json'), 'utf8'));

describe.each(['chrome-mv3', 'firefox-mv3'])('%s', (target) => {
  it('production: no local host in content scripts, frame sources or frame-ancestors', () => {
    const m = manifest(target);
    expect(m.content_scripts.flatMap((c) => c.matches).filter((h) => LOCAL.test(h))).toEqual([]);
    expect(m.web_accessible_resources.flatMap((w) => w.matches).filter((h) => LOCAL.test(h))).toEqual([]);
    expect(m.content_security_policy.extension_pages).not.toMatch(LOCAL);
    expect(m.content_scripts[0]!.matches).toContain('https://mail.google.com/*');
  });

  it('development: the demo webmail hosts everywhere', () => {
    const m = manifest(`${target}-dev`);
    expect(m.content_scripts[0]!.matches).toEqual(
      expect.arrayContaining(['http://127.0.0.1/*', 'http://localhost/*']),
    );
    expect(m.web_accessible_resources[0]!.matches).toContain('http://127.0.0.1/*');
    expect(m.content_security_policy.extension_pages).toContain('http://127.0.0.1:*');
  });
});
