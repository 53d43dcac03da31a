// Self-monitoring (self-monitor.ts, docs/spec/transparency-v1.md §9.2) against a real log in
// memory over fetch: only the account's own keys for its addresses pass; a key it did not publish
// is an alarm naming the address and leaf, with the signed checkpoint and the leaf as evidence;
// checks run once a day unless forced and read each leaf once; leaves that do not add up to the
// checkpoint are the fork alarm.

import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../shared/encoding.ts';
import { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { createSelfMonitor, SELF_CHECK_INTERVAL_MS } from './self-monitor.ts';
import { anonymousClient } from './server.ts';
import { transparencyViewOf } from './transparency-handlers.ts';
import { testTransparency } from './transparency-test-support.ts';

const SERVER = 'https://keys.example';
const ME = 'me@example.org';
const OTHER = 'other@example.org';
const MINE = 'A'.repeat(40);
const MINE_NEXT = 'C'.repeat(40);
const FOREIGN = 'B'.repeat(40);
const ENVELOPE = 'E'.repeat(64);

async function setUp() {
  const log = new TestLogServer();
  const requests: string[] = [];
  const state = { tamper: false };
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    requests.push(`${url.pathname}${url.search}`);
    const res = log.answer(url) ?? new Response(null, { status: 404 });
    if (!state.tamper || url.pathname !== '/api/v1/log/leaves') return res;
    // A log that hides what it appended: one leaf served with a changed time byte.
    const body = (await res.json()) as { start: number; leaves: string[] };
    const first = Buffer.from(body.leaves[0]!, 'base64url');
    first[9] = (first[9] ?? 0) ^ 1;
    return Response.json({ ...body, leaves: [toBase64Url(first), ...body.leaves.slice(1)] });
  }) as typeof fetch;
  let clock = 1_800_000_000_000;
  const { records, transparency } = await testTransparency(fetcher, () => clock);
  const monitor = createSelfMonitor(transparency, () => clock);
  const own = { addresses: [ME], openpgp: [MINE], envelope: [ENVELOPE] };
  return {
    log,
    requests,
    state,
    records,
    transparency,
    own,
    check: (force = false, keys = own) =>
      monitor.check(SERVER, anonymousClient(SERVER, fetcher).log, keys, { force }),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('self-monitoring', () => {
  it("passes the account's own keys, once a day, reading each leaf once", async () => {
    const s = await setUp();
    s.log.prove(ME, { openpgp: MINE, envelope: Buffer.from(ENVELOPE, 'hex') });
    s.log.prove(OTHER, { openpgp: FOREIGN });
    expect(await s.check()).toEqual({ checked: true, leaves: 3, alarms: 0 });
    expect(await s.check()).toMatchObject({ checked: false });
    s.log.prove(OTHER, { openpgp: MINE_NEXT });
    s.requests.length = 0;
    expect(await s.check(true)).toEqual({ checked: true, leaves: 1, alarms: 0 });
    expect(s.requests.filter((r) => r.startsWith('/api/v1/log/leaves'))).toEqual([
      '/api/v1/log/leaves?start=3&end=4',
    ]);
    s.advance(SELF_CHECK_INTERVAL_MS);
    expect(await s.check()).toMatchObject({ checked: true, leaves: 0 });
    // A key this account replaced stays its own: the next check knows only the new one.
    s.log.prove(ME, { openpgp: MINE_NEXT, envelope: Buffer.from(ENVELOPE, 'hex') });
    expect(await s.check(true, { ...s.own, openpgp: [MINE_NEXT] })).toMatchObject({ alarms: 0 });
    expect((await s.transparency.load(SERVER)).alarms).toEqual([]);
  });

  it('a key bound to the own address that the account did not publish is a kept alarm with its evidence', async () => {
    const s = await setUp();
    s.log.prove(ME, { openpgp: MINE });
    expect(await s.check()).toMatchObject({ alarms: 0 });
    s.log.prove(ME, { openpgp: FOREIGN });
    expect(await s.check(true)).toMatchObject({ checked: true, alarms: 1 });
    const r = await s.transparency.load(SERVER);
    expect(r.alarms).toHaveLength(1);
    const alarm = r.alarms[0]!;
    expect(alarm.kind).toBe('foreign_key');
    expect(alarm.detail).toMatch(/me@example\.org: log leaf 1 \(key_published/);
    expect(alarm.evidence[0]).toBe(s.log.log.checkpoint());
    expect(Buffer.from(alarm.evidence[1]!, 'base64')).toEqual(Buffer.from(s.log.log.leaves[1]!));
    expect((await s.records.securityLog()).map((e) => e.kind)).toContain('transparency_alarm');
    // The pages see it, locked or not.
    expect(transparencyViewOf(r).alarms[0]).toMatchObject({ kind: 'foreign_key' });
    // Checked again, the same leaf is not read or reported twice.
    expect(await s.check(true)).toMatchObject({ leaves: 0, alarms: 0 });
    expect((await s.transparency.load(SERVER)).alarms).toHaveLength(1);
  });

  it('leaves that do not add up to the checkpoint are the fork alarm', async () => {
    const s = await setUp();
    s.log.prove(ME, { openpgp: MINE });
    s.state.tamper = true;
    await expect(s.check()).rejects.toMatchObject({ code: 'transparency_alarm' });
    const r = await s.transparency.load(SERVER);
    expect(r.alarms[0]).toMatchObject({ kind: 'inconsistent_checkpoint' });
    expect(r.watch).toBeNull();
  });
});
