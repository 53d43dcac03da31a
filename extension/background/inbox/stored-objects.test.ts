// Opening what the server stores, against a server that lies: an arrival must be an encrypted,
// integrity-protected OpenPGP message (a bare literal packet is plaintext of the server's choosing);
// an inbox-v1 object opens only for its own message and kind; a summary moved from another message
// is refused before the first open would bind it to this one; an object under a key this vault
// lacks asks for the vault's newest copy, then says not_for_me. Real openpgp.js keys and the
// Worker's own arrival sealing (worker/src/inbound/edge-seal.ts).

import { createMessage } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/encoding.ts';
import { isNoiseError } from '../../../shared/errors.ts';
import { KIND_BODY, KIND_SUMMARY, sealObject } from '../../../shared/mailbox/index.ts';
import { generateKey, type PrivateKey, unlockPrivateKey } from '../../../shared/pgp/index.ts';
import { sealToKey } from '../../../worker/src/inbound/edge-seal.ts';
import { currentInboxKey, newInboxKeyring } from './keyring.ts';
import { checkSummaryBelongs, openStored, type StoredKeySource, sealMessage } from './stored-objects.ts';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB';
let publicKey = '';
let privateKey: PrivateKey;

beforeAll(async () => {
  const made = await generateKey({ userIds: [{ email: 'ada@noise.localhost' }], passphrase: 'p' });
  publicKey = made.publicKey;
  privateKey = await unlockPrivateKey(made.privateKey, 'p');
});

function source(ring = newInboxKeyring(), refreshed = ring): StoredKeySource & { refreshes: number } {
  const s = {
    refreshes: 0,
    ring: async () => ring,
    refreshRing: async () => {
      s.refreshes++;
      return refreshed;
    },
    privateKey: async () => privateKey,
  };
  return s;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'opened';
  } catch (e) {
    if (isNoiseError(e)) return e.code;
    throw e;
  }
}

describe('stored objects', () => {
  it('opens an arrival sealed by the Worker with the private key', async () => {
    const sealed = await sealToKey(publicKey, utf8('From: a@b\r\n\r\nhello'), 'message.eml');
    const plain = await openStored(KIND_BODY, ID, 'pgp', sealed, source());
    expect(new TextDecoder().decode(plain)).toContain('hello');
  });

  it('refuses an arrival that is an unencrypted OpenPGP literal (a server writing its own plaintext)', async () => {
    const literal = await createMessage({
      binary: utf8('From: bank@example\r\n\r\nsend money'),
      format: 'binary',
    });
    const bytes = literal.write() as Uint8Array;
    expect(await code(openStored(KIND_BODY, ID, 'pgp', bytes, source()))).toBe('no_integrity');
  });

  it('an inbox-v1 object opens only for its message and kind', async () => {
    const ring = newInboxKeyring();
    const sealed = await sealMessage(currentInboxKey(ring), ID, { summary: utf8('{}'), body: utf8('body') });
    expect(await code(openStored(KIND_BODY, ID, 'inbox-v1', sealed.body, source(ring)))).toBe('opened');
    expect(await code(openStored(KIND_BODY, OTHER, 'inbox-v1', sealed.body, source(ring)))).toBe('tampered');
    expect(await code(openStored(KIND_SUMMARY, ID, 'inbox-v1', sealed.body, source(ring)))).toBe('malformed');
  });

  it('an object under a key this vault lacks: the vault is synced once, then not_for_me', async () => {
    const theirs = newInboxKeyring();
    const sealed = await sealObject(
      currentInboxKey(theirs).key,
      { kind: KIND_BODY, messageId: ID },
      utf8('x'),
    );
    const stale = source(newInboxKeyring());
    expect(await code(openStored(KIND_BODY, ID, 'inbox-v1', sealed, stale))).toBe('not_for_me');
    expect(stale.refreshes).toBe(1);
    // Another device rotated: the synced vault has the key, and it opens.
    const synced = source(newInboxKeyring(), theirs);
    expect(await code(openStored(KIND_BODY, ID, 'inbox-v1', sealed, synced))).toBe('opened');
  });

  it('a summary carrying another Message-ID than the body is refused before re-sealing', () => {
    const body = utf8('Message-ID: <one@example.org>\r\nSubject: x\r\n\r\nhi');
    expect(() => checkSummaryBelongs('<one@example.org>', body)).not.toThrow();
    expect(() => checkSummaryBelongs(' <ONE@example.org> ', body)).not.toThrow();
    expect(() => checkSummaryBelongs('<two@example.org>', body)).toThrow(/another message/);
    // A summary cut to fit (no Message-ID kept) says nothing either way.
    expect(() => checkSummaryBelongs(null, body)).not.toThrow();
  });
});
