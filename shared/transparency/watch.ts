// Watching addresses in the log (docs/spec/transparency-v1.md §9.2), for `noise log watch` and
// the extension's self-monitoring: the leaves read since the last watch extend the kept frontier
// (which must then add up to a verified checkpoint's root), and each leaf for a watched label is
// reported with whether it binds a fingerprint the owner did not list as its own.

import { equalBytes } from '../encoding.ts';
import { type AddressLabel, commitFingerprint, type FingerprintKind } from './address-label.ts';
import { decodeLeaf, fingerprintKindOf, type Leaf } from './leaf.ts';
import { Frontier, leafHash } from './merkle.ts';

export interface WatchedAddress {
  address: string;
  /** From a verified VRF proof for the address (§3.3). */
  label: AddressLabel;
  /** The owner's own fingerprints by kind (binary). A kind listed empty is not judged. */
  own: Partial<Record<FingerprintKind, Uint8Array[]>>;
}

export interface WatchFinding {
  address: string;
  index: number;
  leaf: Leaf;
  /** The leaf binds a fingerprint of a kind the owner listed, and it is none of theirs. */
  foreign: boolean;
}

export class LeafWatcher {
  readonly frontier: Frontier;
  private readonly watched: { address: string; label: Uint8Array; own: Map<FingerprintKind, Uint8Array[]> }[];

  /** Starts after `size` leaves whose frontier nodes are `nodes` (Frontier.nodes of a past watch). */
  constructor(size: number, nodes: Uint8Array[], watched: WatchedAddress[]) {
    this.frontier = new Frontier(size, nodes);
    this.watched = watched.map((w) => {
      const own = new Map<FingerprintKind, Uint8Array[]>();
      for (const [kind, fps] of Object.entries(w.own) as [string, Uint8Array[]][]) {
        const k = Number(kind) as FingerprintKind;
        own.set(
          k,
          fps.map((fp) => commitFingerprint(w.label.commitmentKey, k, fp)),
        );
      }
      return { address: w.address, label: w.label.label, own };
    });
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Adds the next leaf; a leaf for a watched address comes back as a finding. */
  push(bytes: Uint8Array): WatchFinding | null {
    const index = this.frontier.size;
    this.frontier.push(leafHash(bytes));
    const leaf = decodeLeaf(bytes);
    const w = this.watched.find((x) => equalBytes(x.label, leaf.label));
    if (!w) return null;
    const own = w.own.get(fingerprintKindOf(leaf.event));
    const foreign =
      leaf.fingerprint !== null &&
      own !== undefined &&
      own.length > 0 &&
      !own.some((c) => equalBytes(c, leaf.fingerprint as Uint8Array));
    return { address: w.address, index, leaf, foreign };
  }

  /** The root of every leaf pushed: it must equal the checkpoint's the leaves were read up to. */
  root(): Uint8Array {
    return this.frontier.root();
  }
}
