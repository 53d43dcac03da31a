// C2SP tlog-checkpoint (docs/spec/transparency-v1.md §5.1–5.2): the three-line note text, and
// opening a signed checkpoint with the log key and an optional witness policy (§6.4).

import { toBase64 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { HASH_BYTES } from './merkle.ts';
import { base64Field, type NoteSigner, type NoteVerifier, openNote, signNote } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export function checkpointText(cp: Checkpoint): string {
  return `${cp.origin}\n${cp.size}\n${toBase64(cp.root)}\n`;
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  if (cp.origin !== signer.name)
    throw new NoiseError('invalid_argument', 'checkpoint origin must be the key name');
  return signNote(checkpointText(cp), signer);
}

/** §5.1: exactly origin, size and root, each on its own line; no extension lines. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '')
    throw new NoiseError('malformed', 'checkpoint: expected three lines');
  const [origin, size, root] = lines as [string, string, string];
  if (origin.length === 0) throw new NoiseError('malformed', 'checkpoint: empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoiseError('malformed', 'checkpoint: bad size');
  const hash = base64Field(root, 'checkpoint root');
  if (hash.length !== HASH_BYTES) throw new NoiseError('malformed', 'checkpoint: bad root');
  return { origin, size: Number(size), root: hash };
}

export interface WitnessPolicy {
  witnesses: NoteVerifier[];
  /** How many distinct configured witnesses must have cosigned (§6.4: at least one). */
  required: number;
}

export interface OpenedCheckpoint extends Checkpoint {
  /** The note text (what cosignatures and the log signature cover). */
  text: string;
  /** Names of the configured witnesses whose cosignature verified. */
  cosignedBy: string[];
}

/**
 * Verifies a signed checkpoint: the log key must sign it (§5.2), its origin must be the log
 * key's name, and with a policy, `required` configured witnesses must have cosigned it.
 */
export function openCheckpoint(note: string, logKey: NoteVerifier, policy?: WitnessPolicy): OpenedCheckpoint {
  const { text, signedBy } = openNote(note, [logKey, ...(policy?.witnesses ?? [])]);
  if (!signedBy.includes(logKey)) throw new NoiseError('not_for_me', 'checkpoint: not signed by the log key');
  const cp = parseCheckpointText(text);
  if (cp.origin !== logKey.name)
    throw new NoiseError('not_for_me', 'checkpoint: origin is not the log key name');
  const cosignedBy = signedBy.filter((v) => v !== logKey).map((v) => v.name);
  if (policy && cosignedBy.length < policy.required)
    throw new NoiseError('not_for_me', 'checkpoint: not cosigned by enough configured witnesses');
  return { ...cp, text, cosignedBy };
}
