import { describe, expect, it } from 'vitest';
import { PUBLIC_KEY_SERVERS, wkdHash, wkdUrls } from './keyservers.ts';

describe('WKD URLs (draft-koch-openpgp-webkey-service §3.1)', () => {
  it('hashes the lowercased local part like the draft example', () => {
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(wkdHash('joe.doe')).toBe(wkdHash('Joe.Doe'));
  });

  it('builds the advanced and direct method URLs on the public bases', () => {
    expect(wkdUrls('Joe.Doe@Example.ORG', PUBLIC_KEY_SERVERS)).toEqual({
      advanced:
        'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
      direct: 'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    });
    expect(PUBLIC_KEY_SERVERS.vks).toBe('https://keys.openpgp.org');
  });
});
