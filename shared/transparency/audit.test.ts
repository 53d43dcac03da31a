// The whole-log auditor (docs/spec/transparency-v1.md §9.3): a well-formed history has no
// problems; a root that differs from a checkpoint, a broken label chain or a malformed leaf is
// reported with its index.
import { describe, expect, it } from 'vitest';
import { LogAuditor } from './audit.ts';
import { MemoryLog } from './test/memory-log.ts';

const fp = (n: number) => new Uint8Array(20).fill(n);

function history() {
  const log = new MemoryLog();
  const a = 'alice@example.org';
  log.append({ event: 'key_published', address: a, fingerprint: fp(1), previous: null });
  log.append({
    event: 'envelope_identity_published',
    address: a,
    fingerprint: new Uint8Array(32).fill(5),
    previous: null,
  });
  log.append({ event: 'key_updated', address: a, fingerprint: fp(1), previous: null });
  log.append({ event: 'key_published', address: a, fingerprint: fp(2), previous: fp(1) });
  log.append({ event: 'address_bound', address: 'alice@noise.example', fingerprint: fp(2), previous: null });
  log.append({ event: 'key_revoked', address: a, fingerprint: fp(2), previous: null });
  log.append({ event: 'address_released', address: a, fingerprint: null, previous: fp(2) });
  return log;
}

const audit = (leaves: Uint8Array[], checkpoints: { size: number; root: Uint8Array }[]) => {
  const auditor = new LogAuditor(checkpoints);
  for (const l of leaves) auditor.add(l);
  return auditor.report();
};

describe('LogAuditor', () => {
  it('a consistent history: every checkpoint checked, no problems', () => {
    const log = history();
    const report = audit(
      log.leaves,
      [0, 3, 7].map((size) => ({ size, root: log.tree.root(size) })),
    );
    expect(report.problems).toEqual([]);
    expect(report.checkpointsChecked).toBe(3);
    expect(report.labels).toBe(2);
    expect(report.events.key_published).toBe(2);
    expect(report.size).toBe(7);
  });

  it('reports a root that differs from a checkpoint (a leaf was changed after signing)', () => {
    const log = history();
    const leaves = log.leaves.map((l) => l.slice());
    leaves[1]![20]! ^= 1;
    const report = audit(leaves, [{ size: 7, root: log.tree.root(7) }]);
    expect(report.problems.map((p) => p.index)).toContain(7);
  });

  it('reports broken chains: a key published over an unknown previous, a second binding, a foreign update', () => {
    const log = new MemoryLog();
    const a = 'alice@example.org';
    log.append({ event: 'key_published', address: a, fingerprint: fp(1), previous: null });
    log.append({ event: 'key_published', address: a, fingerprint: fp(3), previous: fp(2) });
    log.append({ event: 'address_bound', address: a, fingerprint: fp(4), previous: null });
    log.append({ event: 'key_updated', address: a, fingerprint: fp(9), previous: null });
    log.append({
      event: 'envelope_identity_published',
      address: 'nobody@example.org',
      fingerprint: fp(7),
      previous: null,
    });
    const report = audit(log.leaves, []);
    expect(report.problems.map((p) => p.index)).toEqual([1, 2, 3, 4]);
  });

  it('reports a malformed leaf and keeps going', () => {
    const log = history();
    const leaves = [...log.leaves.slice(0, 2), new Uint8Array(10), ...log.leaves.slice(2)];
    const report = audit(leaves, []);
    expect(report.problems[0]).toMatchObject({ index: 2 });
    expect(report.size).toBe(8);
  });
});
