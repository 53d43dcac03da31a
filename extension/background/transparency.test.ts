// The extension's transparency checks (transparency.ts, docs/spec/transparency-v1.md §9.1, §9.4)
// against a real log in memory served over fetch (TestLogServer: real Merkle tree, Ed25519
// checkpoints, ECVRF proofs), with IndexedDB through fake-indexeddb. A key its log does not name
// is refused; a fork is an alarm kept with both signed checkpoints, and the held checkpoint stays.

import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/encoding.ts';
import { formatVerifierKey, SIG_COSIGNATURE_V1 } from '../../shared/transparency/index.ts';
import { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { MemoryLog } from '../../shared/transparency/test/memory-log.ts';
import type { ServedKeys } from './transparency.ts';
import { testTransparency } from './transparency-test-support.ts';

const SERVER = 'https://keys.example';
const ALICE = 'alice@example.org';
const FPR_A = 'A'.repeat(40);
const FPR_B = 'B'.repeat(40);

/** A fetcher whose log routes come from whichever server `current` names (a fork switches it). */
function switchable(first: TestLogServer) {
  const state = { current: first, requests: [] as string[] };
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    state.requests.push(`${url.pathname}${url.search}`);
    return state.current.answer(url) ?? new Response(null, { status: 404 });
  }) as typeof fetch;
  return { state, fetcher };
}

const served = (openpgp: string, envelope?: Uint8Array): ServedKeys => ({
  address: ALICE,
  openpgp,
  ...(envelope ? { envelope } : {}),
});

async function setUp() {
  const log = new TestLogServer();
  const net = switchable(log);
  const t = await testTransparency(net.fetcher);
  return { log, net, ...t };
}

const kinds = async (records: Awaited<ReturnType<typeof setUp>>['records']) =>
  (await records.securityLog()).map((e) => e.kind);

describe('every answer is checked before its key is used', () => {
  it('accepts what the log binds, pins the log key on first use and keeps the checkpoint', async () => {
    const { log, transparency, records } = await setUp();
    const id = fromHex('C'.repeat(64));
    const bundle = log.prove(ALICE, { openpgp: FPR_A, envelope: id });
    const logged = await transparency.verifyAnswer(SERVER, served(FPR_A, id), bundle);
    expect(logged.keyLoggedAt).toBe(1_767_225_600_000);
    expect(logged.envelopeLoggedAt).toBe(1_767_225_600_001);
    const r = await transparency.load(SERVER);
    expect(r.logKey).toMatchObject({ vkey: log.log.vkey, source: 'first_use' });
    expect(r.checkpoint?.size).toBe(2);
    expect(await kinds(records)).toContain('transparency_log_pinned');
  });

  it('refuses, logs and says why: no proof, another key, another address, another log key, no witness', async () => {
    const { log, transparency, records } = await setUp();
    const bundle = log.prove(ALICE, { openpgp: FPR_A });
    const refused = (p: Promise<unknown>, why: RegExp) =>
      expect(p).rejects.toMatchObject({ code: 'transparency_failed', message: expect.stringMatching(why) });
    await refused(transparency.verifyAnswer(SERVER, served(FPR_A), undefined), /sent no proof/);
    // A key the log does not name for the address (the directory serves B, its log says A).
    await refused(transparency.verifyAnswer(SERVER, served(FPR_B), bundle), /names another key/);
    // The bundle of another address.
    await refused(
      transparency.verifyAnswer(SERVER, { ...served(FPR_A), address: 'bob@example.org' }, bundle),
      /VRF proof fails/,
    );
    await refused(
      transparency.verifyAnswer(SERVER, served(FPR_A), { ...bundle, vrfProof: 'x' }),
      /malformed/,
    );
    // A checkpoint signed by a log key other than the pinned one.
    const other = new TestLogServer(new MemoryLog('test.example/log', 'other'));
    const foreign = other.prove(ALICE, { openpgp: FPR_A });
    await refused(
      transparency.verifyAnswer(SERVER, served(FPR_A), foreign),
      /signed by no known key|not signed by the log key/,
    );
    // A witness is required now and this checkpoint has no cosignature.
    await transparency.update(SERVER, async (r) => ({
      record: {
        ...r,
        witnessKey: formatVerifierKey(
          'witness.example',
          SIG_COSIGNATURE_V1,
          ed25519.getPublicKey(new Uint8Array(32).fill(7)),
        ),
      },
      value: undefined,
    }));
    await refused(transparency.verifyAnswer(SERVER, served(FPR_A), bundle), /witnesses/);
    expect((await kinds(records)).filter((k) => k === 'transparency_refused')).toHaveLength(6);
  });

  it('a newer checkpoint needs its consistency proof: fetched when the answer has none, and it becomes the held one', async () => {
    const { log, net, transparency } = await setUp();
    await transparency.verifyAnswer(SERVER, served(FPR_A), log.prove(ALICE, { openpgp: FPR_A }));
    log.prove('bob@example.org', { openpgp: FPR_B });
    const later = log.prove(ALICE, { openpgp: FPR_A });
    net.state.requests.length = 0;
    await transparency.verifyAnswer(SERVER, served(FPR_A), later);
    expect(net.state.requests).toEqual(['/api/v1/log/proof/consistency?from=1&to=2']);
    expect((await transparency.load(SERVER)).checkpoint?.size).toBe(2);
  });

  it('an older checkpoint (a cached answer) is accepted after a proof up to the held one, which stays', async () => {
    const { log, transparency } = await setUp();
    const old = log.prove(ALICE, { openpgp: FPR_A });
    log.prove('bob@example.org', { openpgp: FPR_B });
    await transparency.verifyAnswer(SERVER, served(FPR_A), log.prove(ALICE, { openpgp: FPR_A }));
    await transparency.verifyAnswer(SERVER, served(FPR_A), old);
    expect((await transparency.load(SERVER)).checkpoint?.size).toBe(2);
  });
});

describe('two histories are an alarm', () => {
  it('a fork the client is shown: alarm with both signed checkpoints, held checkpoint kept, kept once', async () => {
    const { log, net, transparency, records } = await setUp();
    await transparency.verifyAnswer(SERVER, served(FPR_A), log.prove(ALICE, { openpgp: FPR_A }));
    const held = (await transparency.load(SERVER)).checkpoint!;
    // The same log keys, another history from leaf 1 on.
    const fork = new TestLogServer();
    fork.prove(ALICE, { openpgp: FPR_A });
    fork.prove('mallory@example.org', { openpgp: FPR_B });
    log.prove('bob@example.org', { openpgp: FPR_B });
    net.state.current = fork;
    const forked = fork.prove(ALICE, { openpgp: FPR_A });
    log.prove('carol@example.org', { openpgp: FPR_B });
    net.state.current = log;
    // The honest log cannot prove the fork's checkpoint (size 2) consistent with its own.
    const answer = log.prove(ALICE, { openpgp: FPR_A });
    await transparency.verifyAnswer(SERVER, served(FPR_A), answer);
    await expect(transparency.verifyAnswer(SERVER, served(FPR_A), forked)).rejects.toMatchObject({
      code: 'transparency_alarm',
    });
    await expect(transparency.verifyAnswer(SERVER, served(FPR_A), forked)).rejects.toMatchObject({
      code: 'transparency_alarm',
    });
    const r = await transparency.load(SERVER);
    expect(r.alarms).toHaveLength(1);
    expect(r.alarms[0]).toMatchObject({ kind: 'inconsistent_checkpoint' });
    expect(r.alarms[0]!.evidence).toEqual([r.checkpoint!.note, forked.checkpoint]);
    expect(r.checkpoint!.size).toBeGreaterThan(held.size);
    expect((await kinds(records)).filter((k) => k === 'transparency_alarm')).toHaveLength(1);
  });

  it('equal sizes with another root, and a log that disowns a size it signed, are alarms too', async () => {
    const { log, transparency } = await setUp();
    await transparency.verifyAnswer(SERVER, served(FPR_A), log.prove(ALICE, { openpgp: FPR_A }));
    const twin = new TestLogServer();
    const sameSize = twin.prove('mallory@example.org', { openpgp: FPR_B });
    await expect(
      transparency.verifyAnswer(SERVER, { ...served(FPR_B), address: 'mallory@example.org' }, sameSize),
    ).rejects.toMatchObject({ code: 'transparency_alarm', message: expect.stringMatching(/another root/) });

    // The client holds a checkpoint of size 3 that the log later will not prove up to.
    const { log: big, transparency: t2, net } = await setUp();
    for (const who of ['a', 'b', 'c']) big.prove(`${who}@example.org`, { openpgp: FPR_A });
    await t2.verifyAnswer(
      SERVER,
      { ...served(FPR_A), address: 'c@example.org' },
      big.prove('c@example.org', { openpgp: FPR_A }),
    );
    const small = new TestLogServer();
    const rolledBack = small.prove('a@example.org', { openpgp: FPR_A });
    net.state.current = small;
    await expect(
      t2.verifyAnswer(SERVER, { ...served(FPR_A), address: 'a@example.org' }, rolledBack),
    ).rejects.toMatchObject({
      code: 'transparency_alarm',
      message: expect.stringMatching(/cannot be proven/),
    });
  });
});
