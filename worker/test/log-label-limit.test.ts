// docs/api.md "Key transparency log": `GET /api/v1/log/label` (the VRF proof of an address's
// label) is rate-limited like lookups, per client: otherwise anyone could compute the labels of a
// whole address list through it and read the log's leaves as a list of who uses the directory.

import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE } from './support/accounts.ts';

const label = (address: string, ip: string) =>
  SELF.fetch(`${BASE}/api/v1/log/label?address=${encodeURIComponent(address)}`, {
    headers: { 'CF-Connecting-IP': ip },
  });

describe('label proofs are rate-limited per client', () => {
  it('a client asking for label after label is refused with 429 rate_limited; another client is not', async () => {
    const ip = '198.51.100.91';
    // Bursts of 60 until refused: a 10 s window that resets mid-way only delays the refusal.
    const answers: { status: number; code?: string }[] = [];
    for (let burst = 0; burst < 8 && !answers.some((a) => a.status === 429); burst++)
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 60 }, async (_, i) => {
            const res = await label(`guess-${burst}-${i}@example.org`, ip);
            const body = (await res.json()) as { error?: { code: string } };
            return { status: res.status, ...(body.error ? { code: body.error.code } : {}) };
          }),
        )),
      );
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(100);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.status === 429 && a.code === 'rate_limited')).toBe(true);
    expect((await label('one-more@example.org', '198.51.100.92')).status).toBe(200);
  });
});
