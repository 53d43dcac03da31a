// C2SP tlog-witness add-checkpoint (docs/spec/transparency-v1.md §6.2–6.3): the request body
// format, and the witness's decision as a pure function of its state and the request, with
// the status codes the spec assigns to each failure. The HTTP server and the state file are
// the CLI's (cli/commands/log-witness.ts); the log's side is worker/src/transparency/.

import { equalBytes, fromBase64, toBase64 } from '../encoding.ts';
import { isNoiseError, NoiseError } from '../errors.ts';
import { parseCheckpointText } from './checkpoint.ts';
import type { Cosigner } from './cosignature.ts';
import { EMPTY_ROOT, HASH_BYTES } from './merkle.ts';
import { base64Field, type NoteVerifier, openNote, parseNote } from './note.ts';
import { verifyConsistency } from './proofs.ts';

/** tlog-witness: a client MUST NOT send more than 63 proof lines. */
export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint, signature lines included. */
  checkpoint: string;
}

export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

/** Parses an add-checkpoint body; NoiseError('malformed') for anything the spec does not allow. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new NoiseError('malformed', 'add-checkpoint: no empty line');
  const head = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(head[0] ?? '');
  if (!old || !Number.isSafeInteger(Number(old[1])))
    throw new NoiseError('malformed', 'add-checkpoint: bad old size line');
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES)
    throw new NoiseError('malformed', 'add-checkpoint: too many proof lines');
  const proof = lines.map((line) => {
    const h = base64Field(line, 'add-checkpoint proof line');
    if (h.length !== HASH_BYTES) throw new NoiseError('malformed', 'add-checkpoint: bad proof line');
    return h;
  });
  return { oldSize: Number(old[1]), proof, checkpoint: body.slice(blank + 2) };
}

/** What the witness remembers per log origin: the latest checkpoint it cosigned. */
export interface WitnessRecord {
  size: number;
  root: string; // base64
  checkpoint: string; // the cosigned note with its cosignature, for the monitoring endpoint
}
export type WitnessState = Record<string, WitnessRecord>;

export type WitnessAnswer =
  | { status: 200; body: string; record: WitnessRecord; origin: string }
  | { status: 400 | 403 | 404 | 409 | 422; body: string; contentType?: string };

const refuse = (status: 400 | 403 | 404 | 422, body: string): WitnessAnswer => ({
  status,
  body: `${body}\n`,
});

/**
 * The witness's decision for one add-checkpoint body, in the order C2SP tlog-witness lists the
 * checks. The caller MUST persist `record` for `origin` atomically with the check (it holds
 * the state lock) before sending the 200 answer.
 */
export function addCheckpoint(
  state: WitnessState,
  body: string,
  logs: Map<string, NoteVerifier>,
  witness: Cosigner,
  now: number,
): WitnessAnswer {
  let req: AddCheckpointRequest;
  let origin: string;
  try {
    req = parseAddCheckpoint(body);
    origin = parseNote(req.checkpoint).text.split('\n')[0] ?? '';
  } catch {
    return refuse(400, 'malformed request');
  }
  const logKey = logs.get(origin);
  if (!logKey) return refuse(404, 'unknown log');
  let text: string;
  try {
    text = openNote(req.checkpoint, [logKey]).text;
  } catch (e) {
    if (isNoiseError(e, 'malformed')) return refuse(400, 'malformed checkpoint');
    return refuse(403, 'checkpoint not signed by the log');
  }
  let cp: ReturnType<typeof parseCheckpointText>;
  try {
    cp = parseCheckpointText(text);
  } catch {
    return refuse(400, 'malformed checkpoint');
  }
  if (req.oldSize > cp.size) return refuse(400, 'old size above checkpoint size');
  const known = state[origin];
  const knownSize = known?.size ?? 0;
  if (req.oldSize !== knownSize)
    return { status: 409, body: `${knownSize}\n`, contentType: 'text/x.tlog.size' };
  if (cp.size === 0 && !equalBytes(cp.root, EMPTY_ROOT))
    return refuse(422, 'empty tree with a non-empty root');
  if (req.oldSize === 0 && req.proof.length > 0)
    return refuse(422, 'proof from the empty tree must be empty');
  const oldRoot = known ? fromBase64(known.root) : EMPTY_ROOT;
  if (req.oldSize > 0 && !verifyConsistency(req.oldSize, cp.size, req.proof, oldRoot, cp.root))
    return refuse(422, 'consistency proof does not verify');
  const line = witness.cosign(text, Math.floor(now / 1000));
  const record = { size: cp.size, root: toBase64(cp.root), checkpoint: req.checkpoint + line };
  return { status: 200, body: line, record, origin };
}
