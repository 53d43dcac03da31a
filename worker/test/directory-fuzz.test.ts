// No input reaches a 500 on the directory routes (issue 3 §1), including authenticated ones:
// mutated real keys, random packet streams, random JSON, through the real Worker.

import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { call, publish, registerAccount } from './directory-support/accounts.ts';

async function expectClientError(res: Response) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expect(await res.json()).toHaveProperty('error.code');
}

describe('directory routes under random input', () => {
  it('publishing mutated and random keys never answers 5xx', async () => {
    const a = await registerAccount();
    const valid = a.publicKey.write();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // a real key with a few bytes changed, truncated, or extended
          fc
            .record({
              flips: fc.array(
                fc.record({ at: fc.nat(valid.length - 1), to: fc.integer({ min: 0, max: 255 }) }),
                {
                  minLength: 1,
                  maxLength: 4,
                },
              ),
              cut: fc.nat(valid.length),
            })
            .map(({ flips, cut }) => {
              const bytes = valid.slice(0, Math.max(1, cut));
              for (const f of flips) if (f.at < bytes.length) bytes[f.at] = f.to;
              return bytes;
            }),
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
        ),
        async (bytes) => {
          const armored = openpgp.armor(openpgp.enums.armor.publicKey, bytes);
          await expectClientError(await publish(a.token, armored));
        },
      ),
      { numRuns: 80 },
    );
    // the published key is unchanged by all of that
    const json = (await (await call(`/api/v1/lookup/by-email/${a.address}`)).json()) as {
      fingerprint: string;
    };
    expect(json.fingerprint).toBe(a.fingerprint);
  });

  it('random JSON bodies and paths on every directory route never answer 5xx', async () => {
    const a = await registerAccount({ oneTimePrekeys: 2 });
    const routes: [string, string][] = [
      ['POST', '/api/v1/directory/keys'],
      ['POST', '/api/v1/directory/revocation'],
      ['PUT', '/api/v1/prekeys/signed'],
      ['POST', '/api/v1/prekeys/one-time'],
      ['GET', '/api/v1/prekeys/stock'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.jsonValue(),
        fc.boolean(),
        async ([method, path], body, auth) => {
          const res = await call(path, {
            method,
            token: auth ? a.token : undefined,
            ...(method === 'GET' ? {} : { json: body }),
          });
          await expectClientError(res);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/vks/v1/by-email/',
          '/vks/v1/by-fingerprint/',
          '/vks/v1/by-keyid/',
          '/api/v1/lookup/by-email/',
          '/.well-known/openpgpkey/hu/',
          '/pks/lookup?op=index&search=',
          '/pks/lookup?op=get&search=',
        ),
        fc.string({ maxLength: 80 }),
        async (prefix, tail) => {
          await expectClientError(await call(`${prefix}${encodeURIComponent(tail)}`));
          const bundle = await call(`/api/v1/prekeys/bundle/${encodeURIComponent(tail)}`, {
            method: 'POST',
            headers: { 'CF-Connecting-IP': '192.0.2.250' },
          });
          await expectClientError(bundle);
        },
      ),
      { numRuns: 60 },
    );
  });
});
