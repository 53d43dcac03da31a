import { describe, expect, it } from 'vitest';
import type { KeyStatus } from '../../overlay/protocol.ts';
import { splitRecipients } from './send-plan.ts';

const pgp = (address: string): KeyStatus => ({
  address,
  kind: 'pgp',
  fingerprint: 'AB',
  source: 'directory',
});
const none = (address: string): KeyStatus => ({ address, kind: 'none' });

describe('who gets which copy', () => {
  it('everyone with a key: one encrypted copy, nothing sealed', () => {
    expect(splitRecipients([pgp('bob@x.test'), pgp('carol@x.test')], { confirmed: [] })).toEqual({
      encrypted: ['bob@x.test', 'carol@x.test'],
      sealed: [],
      omitted: [],
    });
  });

  it('never downgrades silently: a keyless recipient without a choice, or not confirmed, stops the send', () => {
    const statuses = [pgp('bob@x.test'), none('dave@y.test')];
    for (const choice of [
      { confirmed: [] },
      { confirmed: ['dave@y.test'] },
      { withoutKey: 'seal' as const, confirmed: [] },
      { withoutKey: 'seal' as const, confirmed: ['bob@x.test'] },
    ])
      expect(() => splitRecipients(statuses, choice)).toThrow(
        expect.objectContaining({ code: 'unencrypted_not_confirmed' }),
      );
  });

  it('a key that vanished after the preview is not covered by the confirmations given then', () => {
    const preview = [pgp('bob@x.test'), none('dave@y.test')];
    const confirmed = ['dave@y.test'];
    expect(splitRecipients(preview, { withoutKey: 'seal', confirmed }).sealed).toEqual(['dave@y.test']);
    const atSend = [none('bob@x.test'), none('dave@y.test')];
    expect(() => splitRecipients(atSend, { withoutKey: 'seal', confirmed })).toThrow(/bob@x\.test/);
  });

  it('mixed: the encrypted copy to those with keys, the sealed copy to the confirmed rest', () => {
    const split = splitRecipients([pgp('bob@x.test'), none('Dave@Y.test')], {
      withoutKey: 'seal',
      confirmed: ['DAVE@y.test'],
    });
    expect(split).toEqual({ encrypted: ['bob@x.test'], sealed: ['dave@y.test'], omitted: [] });
  });

  it('leaving them out: only the encrypted copy; nobody left is refused', () => {
    expect(
      splitRecipients([pgp('bob@x.test'), none('dave@y.test')], { withoutKey: 'omit', confirmed: [] }),
    ).toEqual({
      encrypted: ['bob@x.test'],
      sealed: [],
      omitted: ['dave@y.test'],
    });
    expect(() => splitRecipients([none('dave@y.test')], { withoutKey: 'omit', confirmed: [] })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });

  it('a key refused by the transparency checks stops the send, even with plaintext chosen', () => {
    const refused: KeyStatus = { address: 'eve@x.test', kind: 'refused', reason: 'proof failed' };
    expect(() =>
      splitRecipients([refused, pgp('bob@x.test')], { withoutKey: 'seal', confirmed: ['eve@x.test'] }),
    ).toThrow(expect.objectContaining({ code: 'transparency_failed' }));
  });
});
