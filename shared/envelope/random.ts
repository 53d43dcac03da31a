// Randomness is injectable so that known-answer vectors can fix it; production uses WebCrypto.

/** Returns n fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

export const webRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < length; i += 65536)
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
};
