// No input reaches a 500 on the directory routes, including authenticated ones: mutated real
// keys, random packet streams, random arrangements of real packets, random JSON, through the
// real Worker.

import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { call, newOpenpgpKey, publish, registerAccount } from './directory-support/accounts.ts';

async function expectClientError(res: Response) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expect(await res.json()).toHaveProperty('error.code');
}

describe('directory routes under random input', () => {
  it('publishing mutated and random keys never answers 5xx', async () => {
    const a = await registerAccount();
    // Each account publishes at most PUBLISH_LIMIT.capacity times at once: spread the runs.
    const tokens = [
      a.token,
      ...(await Promise.all(Array.from({ length: 9 }, () => registerAccount()))).map((x) => x.token),
    ];
    let run = 0;
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
          await expectClientError(await publish(tokens[run++ % tokens.length]!, armored));
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

  it('random arrangements of real packets (own and foreign) never answer 5xx nor unseat the key', async () => {
    // Packets of the account's own key, of a stranger's key, a revocation, and signatures the
    // stranger made over the account's parts: the canonicalizer must sort out any order.
    const a = await registerAccount();
    const stranger = await newOpenpgpKey([{ email: 'stranger@example.org' }]);
    const { publicKey: revokedStranger } = await openpgp.revokeKey({
      key: stranger.privateKey,
      format: 'object',
    });
    const certified = await (
      a.publicKey.users[0]! as unknown as {
        certify(keys: openpgp.PrivateKey[], date: Date, config: unknown): Promise<openpgp.User>;
      }
    ).certify([stranger.privateKey], new Date(), openpgp.config);
    const pool = [
      ...a.publicKey.toPacketList(),
      ...revokedStranger.toPacketList(),
      ...certified.otherCertifications,
    ];
    const tokens = [
      a.token,
      ...(await Promise.all(Array.from({ length: 5 }, () => registerAccount()))).map((x) => x.token),
    ];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 24 }), async (picks) => {
        const list = new openpgp.PacketList<openpgp.AnyPacket>();
        for (const i of picks) list.push(pool[i]!);
        const armored = openpgp.armor(openpgp.enums.armor.publicKey, list.write());
        // The first token is the account's own: its uploads go through the merge.
        await expectClientError(await publish(tokens[run++ % tokens.length]!, armored));
      }),
      { numRuns: 50 },
    );
    const json = (await (await call(`/api/v1/lookup/by-email/${a.address}`)).json()) as {
      fingerprint: string;
      revoked: boolean;
    };
    expect(json).toMatchObject({ fingerprint: a.fingerprint, revoked: false });
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
