import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../shared/pgp/keys.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';
import { acceptKeyChange, contactsNamed, nameKey, observeKey, verifyContact } from './contacts.ts';

let n = 0;
async function records() {
  return new Records(await openDatabase(`contacts-test-${n++}`), defaultSettings(true));
}

const keyFor = (email: string) => generateKey({ userIds: [{ email }], passphrase: 'x' });

describe('contacts and pinned keys', () => {
  it('pins on first sight, warns on a different key and never replaces it silently', async () => {
    const r = await records();
    const first = await keyFor('bob@example.org');
    const second = await keyFor('bob@example.org');
    const pinned = await observeKey(r, 'Bob@Example.org', first.publicKey, 'directory');
    expect(pinned.fingerprint).toBe(first.fingerprint);
    expect(pinned.pendingChange).toBeUndefined();

    const again = await observeKey(r, 'bob@example.org', first.publicKey, 'directory');
    expect(again.pendingChange).toBeUndefined();

    const changed = await observeKey(r, 'bob@example.org', second.publicKey, 'directory');
    expect(changed.fingerprint).toBe(first.fingerprint);
    expect(changed.pendingChange?.fingerprint).toBe(second.fingerprint);
    expect((await r.securityLog()).map((e) => e.kind)).toContain('contact_key_changed');

    const accepted = await acceptKeyChange(r, 'bob@example.org');
    expect(accepted.fingerprint).toBe(second.fingerprint);
    expect(accepted.pendingChange).toBeUndefined();
  });

  it('refuses secret keys and keys without the address', async () => {
    const r = await records();
    const k = await keyFor('carol@example.org');
    await expect(observeKey(r, 'carol@example.org', k.privateKey, 'manual')).rejects.toMatchObject({
      code: 'invalid_key',
    });
    await expect(observeKey(r, 'dave@example.org', k.publicKey, 'manual')).rejects.toMatchObject({
      code: 'invalid_key',
    });
  });

  it('marks verified only when the compared fingerprint matches', async () => {
    const r = await records();
    const k = await keyFor('erin@example.org');
    await observeKey(r, 'erin@example.org', k.publicKey, 'manual');
    await expect(verifyContact(r, 'erin@example.org', 'AAAA')).rejects.toMatchObject({ code: 'invalid_key' });
    const spaced = k.fingerprint.toLowerCase().replace(/(.{4})/g, '$1 ');
    expect((await verifyContact(r, 'erin@example.org', spaced)).verified).toBe(true);
  });
});

describe('contacts by display name (recipients a webmail shows by name only)', () => {
  it('matches a user ID name exactly, ignoring case, width and spacing; several matches are all returned', async () => {
    const r = await records();
    const named = (name: string, email: string) =>
      generateKey({ userIds: [{ name, email }], passphrase: 'x' }).then((k) =>
        observeKey(r, email, k.publicKey, 'directory'),
      );
    await named('Bob Baker', 'bob@contoso.com');
    await named('Dave  Dunn', 'dave@contoso.com');
    await named('Dave Dunn', 'dave.dunn@fabrikam.com');
    await observeKey(r, 'nameless@contoso.com', (await keyFor('nameless@contoso.com')).publicKey, 'manual');
    const contacts = await r.contacts();
    expect(await contactsNamed(contacts, '  bob   BAKER ')).toEqual([
      { address: 'bob@contoso.com', userId: 'Bob Baker <bob@contoso.com>' },
    ]);
    // Fullwidth letters normalize (NFKC) to the same name.
    expect((await contactsNamed(contacts, 'Ｂｏｂ Baker')).map((m) => m.address)).toEqual([
      'bob@contoso.com',
    ]);
    expect((await contactsNamed(contacts, 'Dave Dunn')).map((m) => m.address).sort()).toEqual([
      'dave.dunn@fabrikam.com',
      'dave@contoso.com',
    ]);
    // No prefix or partial matches, and a blank name matches nothing.
    expect(await contactsNamed(contacts, 'Bob')).toEqual([]);
    expect(await contactsNamed(contacts, ' ')).toEqual([]);
    expect(nameKey('Ｂｏｂ\u00a0 Baker')).toBe('bob baker');
  });
});
