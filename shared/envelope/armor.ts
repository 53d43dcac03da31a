// §6 Armored form: the binary envelope in base64 between ARMOR_BEGIN and ARMOR_END, 64 characters a
// line so that webmail re-wrapping at ~70 columns never splits one.

import { fromBase64, toBase64 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { abytes } from './assert.ts';
import { ARMOR_BEGIN, ARMOR_END } from './labels.ts';

export const ARMOR_LINE_LENGTH = 64;
/** 48 bytes encode to exactly one 64-character line. */
const BYTES_PER_LINE = (ARMOR_LINE_LENGTH / 4) * 3;

export function armorEnvelope(envelope: Uint8Array, comment?: string): string {
  abytes(envelope, undefined, 'envelope');
  const lines = [ARMOR_BEGIN];
  if (comment !== undefined) lines.push(`Comment: ${commentText(comment)}`, '');
  const b64 = toBase64(envelope);
  for (let i = 0; i < b64.length; i += ARMOR_LINE_LENGTH) lines.push(b64.slice(i, i + ARMOR_LINE_LENGTH));
  lines.push(ARMOR_END, '');
  return lines.join('\n');
}

function commentText(comment: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: one line, printable only
  if (/[\u0000-\u001f\u007f]/.test(comment) || comment.length > 54) {
    throw new NoiseError('invalid_argument', 'comment: one printable line of at most 54 characters');
  }
  return comment;
}

/** Streams the armored form: each output string is one or more whole lines ending in '\n'. */
export function armorStream(comment?: string): TransformStream<Uint8Array, string> {
  let carry = new Uint8Array(0);
  return new TransformStream<Uint8Array, string>({
    start(controller) {
      controller.enqueue(
        `${ARMOR_BEGIN}\n${comment === undefined ? '' : `Comment: ${commentText(comment)}\n\n`}`,
      );
    },
    transform(chunk, controller) {
      const data = new Uint8Array(carry.length + chunk.length);
      data.set(carry);
      data.set(chunk, carry.length);
      const whole = data.length - (data.length % BYTES_PER_LINE);
      if (whole > 0) controller.enqueue(linesOf(data.subarray(0, whole)));
      carry = data.slice(whole);
    },
    flush(controller) {
      controller.enqueue(`${carry.length > 0 ? linesOf(carry) : ''}${ARMOR_END}\n`);
    },
  });
}

function linesOf(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  let out = '';
  for (let i = 0; i < b64.length; i += ARMOR_LINE_LENGTH) out += `${b64.slice(i, i + ARMOR_LINE_LENGTH)}\n`;
  return out;
}

/**
 * §6 decoding: the first BEGIN…END block; CR and surrounding spaces are ignored, as are blank lines
 * and one `Comment:` line. Repairing deeper webmail damage is shared/armor's job, not this one's.
 */
export function dearmorEnvelope(text: string): Uint8Array {
  const lines = text
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim());
  const begin = lines.indexOf(ARMOR_BEGIN);
  const end = lines.indexOf(ARMOR_END, begin + 1);
  if (begin < 0 || end < 0) throw new NoiseError('malformed', 'armor: no envelope block');
  let body = lines.slice(begin + 1, end).filter((l) => l !== '');
  if (body[0]?.startsWith('Comment: ')) body = body.slice(1);
  const b64 = body.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new NoiseError('malformed', 'armor: invalid base64');
  try {
    return fromBase64(b64);
  } catch {
    throw new NoiseError('malformed', 'armor: invalid base64');
  }
}
