// The relay's HPKE suite against RFC 9180's own vectors (Appendix A.1.1), through the very
// suite object the seal uses: DeriveKeyPair gives the published key, and the published
// ciphertext opens to the published plaintext; a changed byte does not.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.ts';
import { relaySuite } from './suite.ts';
import vector from './vectors/rfc9180-a1-1.json' with { type: 'json' };

describe('relay suite: RFC 9180 A.1.1', () => {
  it('DeriveKeyPair(ikmR) gives pkRm', async () => {
    const pair = await relaySuite.kem.deriveKeyPair(fromHex(vector.ikmR));
    expect(toHex(new Uint8Array(await relaySuite.kem.serializePublicKey(pair.publicKey)))).toBe(vector.pkRm);
  });

  it('the published ciphertext opens to the published plaintext', async () => {
    const recipientKey = await relaySuite.kem.importKey(
      'raw',
      fromHex(vector.skRm).buffer as ArrayBuffer,
      false,
    );
    const pt = await relaySuite.open(
      { recipientKey, enc: fromHex(vector.enc), info: fromHex(vector.info) },
      fromHex(vector.ct),
      fromHex(vector.aad),
    );
    expect(toHex(new Uint8Array(pt))).toBe(vector.pt);
  });

  it('a flipped ciphertext byte or another aad does not open', async () => {
    const recipientKey = await relaySuite.kem.importKey(
      'raw',
      fromHex(vector.skRm).buffer as ArrayBuffer,
      false,
    );
    const ct = fromHex(vector.ct);
    ct[3] = (ct[3] ?? 0) ^ 1;
    await expect(
      relaySuite.open(
        { recipientKey, enc: fromHex(vector.enc), info: fromHex(vector.info) },
        ct,
        fromHex(vector.aad),
      ),
    ).rejects.toThrow();
    await expect(
      relaySuite.open(
        { recipientKey, enc: fromHex(vector.enc), info: fromHex(vector.info) },
        fromHex(vector.ct),
        fromHex('436f756e742d31'),
      ),
    ).rejects.toThrow();
  });
});
