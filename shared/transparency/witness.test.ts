// The tlog-witness decision (docs/spec/transparency-v1.md §6.2): one case per status code the
// C2SP spec assigns, and the happy path (a cosignature that verifies, the state advanced).
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../encoding.ts';
import { checkpointText, openCheckpoint, signCheckpoint } from './checkpoint.ts';
import { cosignatureVerifier, cosigner } from './cosignature.ts';
import { MemoryTree } from './memory-tree.ts';
import { ed25519NoteSigner, ed25519NoteVerifier, formatVerifierKey, signNote } from './note.ts';
import { addCheckpoint, formatAddCheckpoint, parseAddCheckpoint, type WitnessState } from './witness.ts';

const seed = (s: string) => sha256(utf8(s));
const log = ed25519NoteSigner('example.com/log', seed('log'));
const logKey = ed25519NoteVerifier(formatVerifierKey(log.name, 1, log.publicKey));
const logs = new Map([[log.name, logKey]]);
const witness = cosigner('witness.example/w1', seed('witness'));
const witnessKey = cosignatureVerifier(formatVerifierKey(witness.name, 4, witness.publicKey));
const NOW = 1_800_000_000_000;

const tree = new MemoryTree();
for (let i = 0; i < 20; i++) tree.appendLeaf(new Uint8Array([i]));
const checkpointAt = (size: number) => signCheckpoint({ origin: log.name, size, root: tree.root(size) }, log);
const body = (old: number, size: number, proof = tree.consistencyProof(old, size)) =>
  formatAddCheckpoint({ oldSize: old, proof, checkpoint: checkpointAt(size) });

describe('tlog-witness add-checkpoint', () => {
  it('cosigns the first checkpoint from 0, then a consistent extension; the cosignature verifies', () => {
    const state: WitnessState = {};
    const first = addCheckpoint(state, body(0, 5), logs, witness, NOW);
    expect(first.status).toBe(200);
    if (first.status !== 200) return;
    state[first.origin] = first.record;
    const opened = openCheckpoint(checkpointAt(5) + first.body, logKey, {
      witnesses: [witnessKey],
      required: 1,
    });
    expect(opened.cosignedBy).toEqual([witness.name]);
    const next = addCheckpoint(state, body(5, 13), logs, witness, NOW);
    expect(next.status).toBe(200);
    if (next.status === 200) expect(next.record.size).toBe(13);
  });

  it('parses what it formats (old line, proof lines, blank line, checkpoint)', () => {
    const req = parseAddCheckpoint(body(3, 9));
    expect(req.oldSize).toBe(3);
    expect(req.proof.map(toBase64)).toEqual(tree.consistencyProof(3, 9).map(toBase64));
    expect(req.checkpoint).toBe(checkpointAt(9));
  });

  const state: WitnessState = { [log.name]: { size: 5, root: toBase64(tree.root(5)), checkpoint: '' } };
  const status = (b: string) => addCheckpoint(state, b, logs, witness, NOW).status;

  it('404 for an unknown origin', () => {
    const other = ed25519NoteSigner('example.com/other', seed('log'));
    const cp = signCheckpoint({ origin: other.name, size: 5, root: tree.root(5) }, other);
    expect(status(formatAddCheckpoint({ oldSize: 5, proof: [], checkpoint: cp }))).toBe(404);
  });

  it('403 without a valid log signature', () => {
    const impostor = ed25519NoteSigner(log.name, seed('impostor'));
    const cp = signNote(checkpointText({ origin: log.name, size: 9, root: tree.root(9) }), impostor);
    expect(
      status(formatAddCheckpoint({ oldSize: 5, proof: tree.consistencyProof(5, 9), checkpoint: cp })),
    ).toBe(403);
  });

  it('400 for an old size above the checkpoint size, and for a malformed body', () => {
    expect(status(formatAddCheckpoint({ oldSize: 9, proof: [], checkpoint: checkpointAt(5) }))).toBe(400);
    expect(status('old 5\nnot base64!\n\n')).toBe(400);
    expect(status('hello')).toBe(400);
  });

  it('409 with the known size when the old size is not the last cosigned one', () => {
    const answer = addCheckpoint(state, body(3, 9), logs, witness, NOW);
    expect(answer).toMatchObject({ status: 409, body: '5\n', contentType: 'text/x.tlog.size' });
  });

  it('422 for a bad proof, a different root at the same size, a proof from 0, a bad empty tree', () => {
    const proof = tree.consistencyProof(5, 9);
    proof[0] = sha256(proof[0]!);
    expect(status(body(5, 9, proof))).toBe(422);
    const forked = signCheckpoint({ origin: log.name, size: 5, root: tree.root(6) }, log);
    expect(status(formatAddCheckpoint({ oldSize: 5, proof: [], checkpoint: forked }))).toBe(422);
    const fresh = (b: string) => addCheckpoint({}, b, logs, witness, NOW).status;
    expect(
      fresh(formatAddCheckpoint({ oldSize: 0, proof: [tree.root(1)], checkpoint: checkpointAt(5) })),
    ).toBe(422);
    const badEmpty = signCheckpoint({ origin: log.name, size: 0, root: tree.root(1) }, log);
    expect(fresh(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: badEmpty }))).toBe(422);
  });
});
