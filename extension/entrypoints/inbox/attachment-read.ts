// Reading a file the sender attaches, with progress: the bytes are read as a stream and handed
// to the background as base64 when complete (it builds and encrypts the message).

import { concatBytes, toBase64 } from '../../../shared/encoding.ts';

export interface AttachedFile {
  key: string;
  name: string;
  type: string;
  size: number;
  read: number;
  /** base64 once read, null while reading. */
  data: string | null;
}

let counter = 0;

export async function readAttachment(file: File, update: (f: AttachedFile) => void): Promise<void> {
  const base = { key: `f${++counter}`, name: file.name, type: file.type, size: file.size };
  update({ ...base, read: 0, data: null });
  const chunks: Uint8Array[] = [];
  let read = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    read += value.length;
    update({ ...base, read, data: null });
  }
  update({ ...base, read, data: toBase64(concatBytes(...chunks)) });
}
