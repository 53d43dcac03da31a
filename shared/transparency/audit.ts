// The whole-log auditor (docs/spec/transparency-v1.md §9.3), fed leaf by leaf from the first:
// decodes each leaf canonically, recomputes the root incrementally, compares the root at every
// checkpoint size it was given, and follows each label's history (previous commitments must
// chain, bindings must start from an unbound address). Memory: the frontier plus one entry per
// label; 100,000 leaves need no stored tree.

import { equalBytes, toHex } from '../encoding.ts';
import { decodeLeaf, LEAF_EVENTS, type Leaf, type LeafEvent } from './leaf.ts';
import { Frontier, leafHash } from './merkle.ts';

export interface AuditProblem {
  index: number;
  problem: string;
}

interface LabelState {
  key: Uint8Array | null;
  envelope: Uint8Array | null;
}

export interface AuditReport {
  size: number;
  /** Hex of the recomputed root. */
  root: string;
  events: Record<LeafEvent, number>;
  labels: number;
  checkpointsChecked: number;
  problems: AuditProblem[];
  /** Leaves whose time is before the previous leaf's (different Worker clocks): reported only. */
  timeReversals: number;
}

const same = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === null || b === null ? a === b : equalBytes(a, b);

export class LogAuditor {
  private readonly frontier = new Frontier();
  private readonly labels = new Map<string, LabelState>();
  private readonly expected: Map<number, Uint8Array>;
  private readonly problems: AuditProblem[] = [];
  private readonly events = Object.fromEntries(Object.keys(LEAF_EVENTS).map((e) => [e, 0])) as Record<
    LeafEvent,
    number
  >;
  private checked = 0;
  private lastTime = 0;
  private reversals = 0;

  /** `checkpoints`: size → root of every checkpoint to check on the way. */
  constructor(checkpoints: { size: number; root: Uint8Array }[]) {
    this.expected = new Map(checkpoints.map((c) => [c.size, c.root]));
    this.checkSize();
  }

  get size(): number {
    return this.frontier.size;
  }

  root(): Uint8Array {
    return this.frontier.root();
  }

  add(bytes: Uint8Array): void {
    const index = this.frontier.size;
    this.frontier.push(leafHash(bytes));
    let leaf: Leaf | undefined;
    try {
      leaf = decodeLeaf(bytes);
    } catch (e) {
      this.problems.push({ index, problem: e instanceof Error ? e.message : 'malformed leaf' });
    }
    if (leaf) this.follow(index, leaf);
    this.checkSize();
  }

  private checkSize(): void {
    const root = this.expected.get(this.frontier.size);
    if (!root) return;
    this.checked++;
    if (!equalBytes(root, this.frontier.root()))
      this.problems.push({
        index: this.frontier.size,
        problem: `root at size ${this.frontier.size} differs from its checkpoint`,
      });
  }

  private follow(index: number, leaf: Leaf): void {
    this.events[leaf.event]++;
    if (leaf.time < this.lastTime) this.reversals++;
    this.lastTime = Math.max(this.lastTime, leaf.time);
    const id = toHex(leaf.label);
    const state = this.labels.get(id) ?? { key: null, envelope: null };
    this.labels.set(id, state);
    const fail = (problem: string) => this.problems.push({ index, problem: `${leaf.event}: ${problem}` });
    switch (leaf.event) {
      case 'key_published':
        if (!same(state.key, leaf.previous)) fail('previous key does not match the label history');
        state.key = leaf.fingerprint;
        break;
      case 'address_bound':
        if (state.key !== null) fail('address already bound');
        state.key = leaf.fingerprint;
        break;
      case 'key_updated':
      case 'key_revoked':
        if (!same(state.key, leaf.fingerprint)) fail('not the key bound to the label');
        break;
      case 'address_released':
        if (!same(state.key, leaf.previous)) fail('released key is not the bound one');
        state.key = null;
        state.envelope = null;
        break;
      case 'envelope_identity_published':
        if (state.key === null) fail('no key bound to the label');
        if (!same(state.envelope, leaf.previous)) fail('previous identity does not match the label history');
        state.envelope = leaf.fingerprint;
        break;
    }
  }

  report(): AuditReport {
    return {
      size: this.frontier.size,
      root: toHex(this.frontier.root()),
      events: { ...this.events },
      labels: this.labels.size,
      checkpointsChecked: this.checked,
      problems: [...this.problems],
      timeReversals: this.reversals,
    };
  }
}
