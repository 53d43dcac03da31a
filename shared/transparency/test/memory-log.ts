// A test log in memory: the directory's side (VRF secret, log key, tree) without D1, for the
// bundle, auditor and CLI tests and the bench.

import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../../encoding.ts';
import { proveAddress } from '../address-label.ts';
import type { ProofBundleParts } from '../bundle.ts';
import { signCheckpoint } from '../checkpoint.ts';
import { type DirectoryEvent, leafForEvent } from '../event-leaf.ts';
import { MemoryTree } from '../memory-tree.ts';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  type NoteSigner,
  SIG_ED25519,
} from '../note.ts';
import { vrfPublicKey } from '../vrf.ts';

export class MemoryLog {
  readonly vrfSecret: Uint8Array;
  readonly signer: NoteSigner;
  readonly tree = new MemoryTree();
  readonly leaves: Uint8Array[] = [];

  constructor(name = 'test.example/log', seedLabel = 'test') {
    this.vrfSecret = sha256(utf8(`${seedLabel}/vrf`));
    this.signer = ed25519NoteSigner(name, sha256(utf8(`${seedLabel}/log`)));
  }

  get vrfKey(): Uint8Array {
    return vrfPublicKey(this.vrfSecret);
  }

  get vkey(): string {
    return formatVerifierKey(this.signer.name, SIG_ED25519, this.signer.publicKey);
  }

  get logKey() {
    return ed25519NoteVerifier(this.vkey);
  }

  append(e: DirectoryEvent, time = 1_767_225_600_000 + this.leaves.length): number {
    const leaf = leafForEvent(this.vrfSecret, e, time);
    this.leaves.push(leaf);
    this.tree.appendLeaf(leaf);
    return this.leaves.length - 1;
  }

  checkpoint(size = this.tree.size): string {
    return signCheckpoint({ origin: this.signer.name, size, root: this.tree.root(size) }, this.signer);
  }

  bundleParts(
    address: string,
    keyIndex: number,
    envelopeIndex?: number,
    size = this.tree.size,
  ): ProofBundleParts {
    const proven = (index: number) => ({
      index,
      leaf: this.leaves[index]!,
      proof: this.tree.inclusionProof(index, size),
    });
    return {
      checkpoint: this.checkpoint(size),
      vrfProof: proveAddress(this.vrfSecret, address).proof,
      key: proven(keyIndex),
      ...(envelopeIndex === undefined ? {} : { envelope: proven(envelopeIndex) }),
    };
  }
}
