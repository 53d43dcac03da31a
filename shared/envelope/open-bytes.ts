// §8.2 for an envelope held in memory, with §4.6 kept copies: the plaintext is written into one
// buffer of its exact size, a re-read is served from the copy, and a fresh open is kept before
// the envelope is recorded.

import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { TAG_LENGTH } from './aead.ts';
import { abytes } from './assert.ts';
import { parseHeaderPrefix } from './header.ts';
import { fingerprintHex } from './keys.ts';
import {
  duplicateError,
  type LastSegmentTaker,
  type OpenOptions,
  openWith,
  type RecipientKeys,
  recordIn,
} from './open.ts';
import { CHUNK_SIZE, iterateBytes, SIGNATURE_LENGTH } from './payload.ts';
import { buildVerdict, type EnvelopeVerdict } from './verdict.ts';

/**
 * Opens an envelope held in memory; the plaintext is written into one buffer of its exact size.
 * With `keptCopies`, an envelope opened before is served from its copy (§4.6), and a fresh open
 * is kept before it is recorded, so a copy exists for every envelope the replay store refuses.
 */
export async function openBytes(
  envelope: Uint8Array,
  keys: RecipientKeys,
  opts: OpenOptions = {},
): Promise<{ plaintext: Uint8Array; verdict: EnvelopeVerdict }> {
  abytes(envelope, undefined, 'envelope');
  const kept = opts.keptCopies;
  const envelopeDigest = kept ? sha256(envelope) : null;
  if (kept && envelopeDigest) {
    const copy = await kept.get(envelopeDigest);
    if (copy) {
      const senderConfirmed = opts.senderFingerprint?.toUpperCase() === fingerprintHex(copy.facts.sender);
      return {
        plaintext: copy.plaintext,
        verdict: buildVerdict(copy.facts, { senderConfirmed, firstOpenedAt: copy.firstOpenedAt }),
      };
    }
  }
  const payload = envelope.length - parseHeaderPrefix(envelope) - SIGNATURE_LENGTH;
  const size = Math.max(0, payload - Math.max(1, Math.ceil(payload / CHUNK_SIZE)) * TAG_LENGTH);
  const out = new Uint8Array(size);
  let offset = 0;
  const append = (chunk: Uint8Array) => {
    if (offset + chunk.length > out.length)
      throw new NoiseError('malformed', 'envelope: payload size mismatch');
    out.set(chunk, offset);
    offset += chunk.length;
  };
  const plaintext = () => (offset === out.length ? out : out.subarray(0, offset));
  const record = recordIn(opts.replayStore);
  const takeLast: LastSegmentTaker = async (facts, last) => {
    append(last);
    if (kept) {
      // Refused before a copy is written: a copy exists only for the first open.
      const openedAt = (await opts.replayStore?.openedAt(toHex(facts.envelopeId))) ?? null;
      if (openedAt !== null) throw duplicateError(openedAt);
      await kept.put(envelopeDigest!, {
        plaintext: plaintext(),
        facts,
        firstOpenedAt: (opts.now ?? Date.now)(),
      });
    }
    await record(facts);
  };
  const opened = await openWith([envelope], keys, opts, takeLast);
  for await (const chunk of iterateBytes(opened.plaintext)) append(chunk);
  const verdict = await opened.verdict;
  return { plaintext: plaintext(), verdict };
}
