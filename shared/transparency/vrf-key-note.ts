// The note that publishes the VRF key (docs/spec/transparency-v1.md §3.5): signed by the log key,
// so a client that pins the log key learns the VRF key from it and from nothing else.

import { toBase64 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { LABEL_VRF_KEY_NOTE } from './labels.ts';
import { base64Field, type NoteSigner, type NoteVerifier, openNote, signNote } from './note.ts';

export function signVrfKeyNote(vrfPublic: Uint8Array, signer: NoteSigner): string {
  return signNote(`${LABEL_VRF_KEY_NOTE}\n${toBase64(vrfPublic)}\n`, signer);
}

/** The 32-byte VRF public key, if the note is signed by `logKey` and well formed. */
export function openVrfKeyNote(note: string, logKey: NoteVerifier): Uint8Array {
  const { text } = openNote(note, [logKey]);
  const lines = text.split('\n');
  if (lines.length !== 3 || lines[0] !== LABEL_VRF_KEY_NOTE || lines[2] !== '')
    throw new NoiseError('malformed', 'vrf key note: unexpected text');
  const key = base64Field(lines[1]!, 'vrf key note');
  if (key.length !== 32) throw new NoiseError('malformed', 'vrf key note: bad key');
  return key;
}
