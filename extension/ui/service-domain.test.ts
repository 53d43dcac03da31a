import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleServiceDomain, LOCAL_SERVICE_DOMAIN } from './service-domain.ts';

describe('the inbox example in onboarding', () => {
  it('uses the local development domain for a local server, the server host otherwise', () => {
    expect(exampleServiceDomain('http://127.0.0.1:8787')).toBe('noise.localhost');
    expect(exampleServiceDomain('http://localhost:8787/')).toBe('noise.localhost');
    expect(exampleServiceDomain('https://noise.email')).toBe('noise.email');
    expect(exampleServiceDomain('https://Mail.Example.org/')).toBe('mail.example.org');
    expect(exampleServiceDomain('not a url')).toBe('noise.localhost');
  });

  it('matches the local Worker configuration', () => {
    const toml = readFileSync(join(import.meta.dirname, '../../wrangler.toml'), 'utf8');
    expect(toml).toContain(`SERVICE_DOMAIN = "${LOCAL_SERVICE_DOMAIN}"`);
  });
});
