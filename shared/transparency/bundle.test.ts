// The lookup proof bundle (docs/spec/transparency-v1.md §8–9.1): a bundle for what the log
// recorded verifies; each way a directory could serve something it did not log is refused.
import { describe, expect, it } from 'vitest';
import { isNoiseError } from '../errors.ts';
import { buildProofBundle, verifyProofBundle } from './bundle.ts';
import { MemoryLog } from './test/memory-log.ts';

const fp = (n: number, len = 20) => new Uint8Array(len).fill(n);
const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return isNoiseError(e) ? e.code : String(e);
  }
};

function scene() {
  const log = new MemoryLog();
  const aliceKey = log.append({
    event: 'key_published',
    address: 'alice@example.org',
    fingerprint: fp(1),
    previous: null,
  });
  const aliceEnv = log.append({
    event: 'envelope_identity_published',
    address: 'alice@example.org',
    fingerprint: fp(9, 32),
    previous: null,
  });
  const bobKey = log.append({
    event: 'key_published',
    address: 'bob@example.org',
    fingerprint: fp(2),
    previous: null,
  });
  const trusted = { logKey: log.logKey, vrfKey: log.vrfKey };
  const served = { address: 'alice@example.org', openpgp: fp(1), envelope: fp(9, 32) };
  return { log, aliceKey, aliceEnv, bobKey, trusted, served };
}

describe('proof bundle', () => {
  it('verifies for the logged key and identity', () => {
    const { log, aliceKey, aliceEnv, trusted, served } = scene();
    const bundle = buildProofBundle(log.bundleParts('alice@example.org', aliceKey, aliceEnv));
    const verified = verifyProofBundle(JSON.parse(JSON.stringify(bundle)), served, trusted);
    expect(verified.key.leaf.event).toBe('key_published');
    expect(verified.envelope?.index).toBe(aliceEnv);
  });

  it('refuses a key that is not the logged one (tampered)', () => {
    const { log, aliceKey, aliceEnv, trusted, served } = scene();
    const bundle = buildProofBundle(log.bundleParts('alice@example.org', aliceKey, aliceEnv));
    expect(code(() => verifyProofBundle(bundle, { ...served, openpgp: fp(3) }, trusted))).toBe('tampered');
    expect(code(() => verifyProofBundle(bundle, { ...served, envelope: fp(8, 32) }, trusted))).toBe(
      'tampered',
    );
  });

  it("refuses another address's leaf and a VRF proof for another address", () => {
    const { log, bobKey, aliceKey, trusted, served } = scene();
    const bobLeaf = buildProofBundle(log.bundleParts('alice@example.org', bobKey));
    expect(code(() => verifyProofBundle(bobLeaf, { ...served, envelope: undefined }, trusted))).toBe(
      'tampered',
    );
    const bobProof = buildProofBundle(log.bundleParts('bob@example.org', aliceKey));
    expect(code(() => verifyProofBundle(bobProof, { ...served, envelope: undefined }, trusted))).toBe(
      'tampered',
    );
  });

  it('refuses a broken inclusion proof, an envelope leaf in the key slot, a missing envelope leaf', () => {
    const { log, aliceKey, aliceEnv, trusted, served } = scene();
    const parts = log.bundleParts('alice@example.org', aliceKey, aliceEnv);
    const badProof = buildProofBundle({ ...parts, key: { ...parts.key, proof: parts.key.proof.slice(1) } });
    expect(code(() => verifyProofBundle(badProof, served, trusted))).toBe('tampered');
    const swapped = buildProofBundle({ ...parts, key: parts.envelope! });
    expect(code(() => verifyProofBundle(swapped, served, trusted))).toBe('tampered');
    const noEnvelope = buildProofBundle({ ...parts, envelope: undefined });
    expect(code(() => verifyProofBundle(noEnvelope, served, trusted))).toBe('tampered');
  });

  it('refuses a checkpoint by another log key (not_for_me) and a malformed bundle', () => {
    const { log, aliceKey, trusted, served } = scene();
    const other = new MemoryLog('test.example/log', 'other');
    const bundle = buildProofBundle(log.bundleParts('alice@example.org', aliceKey));
    expect(code(() => verifyProofBundle(bundle, served, { ...trusted, logKey: other.logKey }))).toBe(
      'not_for_me',
    );
    expect(code(() => verifyProofBundle({ ...bundle, extra: 1 }, served, trusted))).toBe('malformed');
  });

  it('checks consistency with the checkpoint the client saw: a fork is tampered, a rollback not_for_me', () => {
    const { log, aliceKey, trusted } = scene();
    const served = { address: 'alice@example.org', openpgp: fp(1) };
    const known = { size: 2, root: log.tree.root(2) };
    const parts = log.bundleParts('alice@example.org', aliceKey);
    const withProof = buildProofBundle({
      ...parts,
      consistency: { from: 2, proof: log.tree.consistencyProof(2) },
    });
    expect(code(() => verifyProofBundle(withProof, served, { ...trusted, known }))).toBe('ok');
    expect(code(() => verifyProofBundle(buildProofBundle(parts), served, { ...trusted, known }))).toBe(
      'not_for_me',
    );
    // The directory shows this client a history where leaf 1 differs (a fork).
    const fork = new MemoryLog();
    fork.append({ event: 'key_published', address: 'alice@example.org', fingerprint: fp(1), previous: null });
    fork.append({
      event: 'key_published',
      address: 'mallory@example.org',
      fingerprint: fp(6),
      previous: null,
    });
    fork.append({ event: 'key_published', address: 'bob@example.org', fingerprint: fp(2), previous: null });
    const forked = buildProofBundle({
      ...fork.bundleParts('alice@example.org', 0),
      consistency: { from: 2, proof: fork.tree.consistencyProof(2) },
    });
    expect(code(() => verifyProofBundle(forked, served, { ...trusted, known }))).toBe('tampered');
    const stale = { size: 3, root: log.tree.root(3) };
    const older = buildProofBundle(log.bundleParts('alice@example.org', aliceKey, undefined, 2));
    expect(code(() => verifyProofBundle(older, served, { ...trusted, known: stale }))).toBe('not_for_me');
  });
});
