// Envelope identities pinned beside the OpenPGP key (envelope-pins.ts), through what the compose
// and read overlays call (overlay-crypto.ts) with real keys, IndexedDB (fake-indexeddb) and the
// one API client; the fetcher stands in for the directory's network answers only. First use pins;
// a changed identity shows as a change in compose (OpenPGP to the pinned key instead) and in the
// read verdict; a bundle whose identity is not the pinned one is refused; verify and accept.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../../shared/api/client.ts';
import type { KeyLookupResponse, PrekeyBundle } from '../../shared/api/directory.ts';
import { fromHex, utf8 } from '../../shared/encoding.ts';
import {
  armorEnvelope,
  identitySecretFromJson,
  oneTimePrekeySecretFromJson,
  publicIdentity,
  publicOneTimePrekey,
  publicSignedPrekey,
  sealBytes,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import { acceptKeyChange, verifyContact } from './contacts.ts';
import { Custody, memorySessionArea } from './custody.ts';
import {
  envelopeFingerprint,
  generateIdentitySecrets,
  type IdentitySecrets,
  publicEnvelopeKeys,
  publicPgpKey,
} from './identity.ts';
import { encryptCompose, keyStatuses, readBlock, UnlockedKeyCache } from './overlay-crypto.ts';
import { createDirectoryLookups, LOOKUP_REUSE_MS } from './overlay-directory.ts';
import { createOverlayKeySource } from './overlay-keys.ts';
import { createPrekeyCustody } from './prekey-custody.ts';
import { createTransparency } from './transparency.ts';
import { withLogRoutes } from './transparency-test-support.ts';

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';

/** What the directory answers for alice: the identity it binds now, and what its bundles carry. */
function directoryOf(state: {
  lookup: IdentitySecrets;
  bundle: IdentitySecrets;
  pgp: string;
  clock?: number;
  /** A dishonest directory: lookups serve this identity while its log still binds `lookup`. */
  unlogged?: IdentitySecrets;
}) {
  // What it serves is logged, so every answer carries a proof that verifies (transparency.ts).
  const log = new TestLogServer();
  const served = (s: IdentitySecrets) => ({
    openpgp: s.pgp.fingerprint,
    envelope: fromHex(envelopeFingerprint(s)),
  });
  return withLogRoutes(log, (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    const wire = (s: IdentitySecrets) => publicEnvelopeKeys(s, new Set([s.envelope.oneTimePrekeys[0]!.id]));
    if (path.endsWith(`/by-email/${encodeURIComponent(ALICE)}`)) {
      const shown = state.unlogged ?? state.lookup;
      const body: KeyLookupResponse = {
        fingerprint: shown.pgp.fingerprint,
        keyId: shown.pgp.fingerprint.slice(-16),
        addresses: [ALICE],
        createdAt: 1,
        updatedAt: 1,
        revoked: false,
        openpgpKey: state.pgp,
        envelope: true,
        envelopeIdentity: wire(shown).identity,
        transparency: log.prove(ALICE, served(state.lookup)),
      };
      return Response.json(body);
    }
    if (path.endsWith(`/bundle/${encodeURIComponent(ALICE)}`) && init?.method === 'POST') {
      const keys = wire(state.bundle);
      const body: PrekeyBundle = {
        address: ALICE,
        identity: keys.identity,
        signedPrekey: keys.signedPrekey,
        oneTimePrekey: keys.oneTimePrekeys[0] ?? null,
        noOneTimePrekey: false,
        remaining: 5,
        fingerprint: state.lookup.pgp.fingerprint,
        transparency: log.prove(ALICE, { ...served(state.bundle), openpgp: state.lookup.pgp.fingerprint }),
      };
      return Response.json(body);
    }
    return Response.json({ error: { code: 'not_found', message: 'None.' } }, { status: 404 });
  }) as typeof fetch);
}

let n = 0;
async function bobWith(state: Parameters<typeof directoryOf>[0]) {
  const identity = await generateIdentitySecrets(BOB, () => {});
  const db = await openDatabase(`pins-${n++}`);
  const records = new Records(db, defaultSettings(true));
  const custody = new Custody<AccountSecrets>(
    memorySessionArea(),
    { set: async () => {}, clear: async () => true },
    async () => 3_600_000,
  );
  await custody.unlock({ identity, addresses: [BOB], wrapKey: 'w', authKey: 'k' });
  const prekeys = createPrekeyCustody({ db, records, custody, syncSoon: () => {} });
  const fetcher = directoryOf(state);
  const directory = createDirectoryLookups(
    async () => 'https://keys.example',
    (baseUrl) => apiClient({ baseUrl, fetch: fetcher }),
    createTransparency({ records, log: (baseUrl) => apiClient({ baseUrl, fetch: fetcher }).log }),
    () => state.clock ?? 0,
  );
  const keys = createOverlayKeySource({
    records: Promise.resolve(records),
    custody,
    directory,
    prekeys: Promise.resolve(prekeys),
  });
  const compose = () =>
    encryptCompose(
      { to: [ALICE], cc: [], bcc: [], subject: 's', text: 'hello', sign: true, attachments: [] },
      keys,
      new UnlockedKeyCache(),
    );
  let message = 0;
  const read = (armored: string) =>
    readBlock(
      {
        kind: 'envelope',
        text: armored,
        displayedSender: ALICE,
        delivery: `m-${++message}`,
        clipped: false,
        fullViewUrl: null,
      },
      keys,
      new UnlockedKeyCache(),
    );
  return { identity, records, keys, compose, read };
}

/** An envelope from `from` (an identity of alice's address) to bob. */
let opk = 0;
async function sealFrom(from: IdentitySecrets, bob: IdentitySecrets, text: string): Promise<string> {
  const bobIdentity = identitySecretFromJson(bob.envelope.identity);
  const sealed = await sealBytes(
    utf8(`Content-Type: text/plain\r\n\r\n${text}`),
    {
      address: ALICE,
      deviceId: '',
      identity: identitySecretFromJson(from.envelope.identity),
      signedPrekey: signedPrekeySecretFromJson(from.envelope.signedPrekeys[0]!),
    },
    [
      {
        address: BOB,
        deviceId: '',
        identity: publicIdentity(bobIdentity),
        signedPrekey: publicSignedPrekey(
          bobIdentity,
          signedPrekeySecretFromJson(bob.envelope.signedPrekeys[0]!),
        ),
        // Each message its own one-time prekey, as the directory hands them out.
        oneTimePrekey: publicOneTimePrekey(
          oneTimePrekeySecretFromJson(bob.envelope.oneTimePrekeys[opk++ % 50]!),
        ),
      },
    ],
  );
  return armorEnvelope(sealed);
}

const alice = await generateIdentitySecrets(ALICE, () => {});
const imposter = await generateIdentitySecrets(ALICE, () => {}); // another identity for the same address
const alicePgp = await publicPgpKey(alice);

describe('envelope identities pinned beside the OpenPGP key', () => {
  it('compose pins on first use; a changed identity shows the warning and goes out as OpenPGP to the pinned key', async () => {
    const state: Parameters<typeof directoryOf>[0] = { lookup: alice, bundle: alice, pgp: alicePgp };
    const bob = await bobWith(state);
    const [first] = await keyStatuses([ALICE], bob.keys);
    expect(first).toMatchObject({
      kind: 'native',
      envelope: { fingerprint: envelopeFingerprint(alice), pin: 'new' },
    });
    expect((await bob.compose()).format).toBe('native');
    const contact = await bob.records.contact(ALICE);
    expect(contact?.envelope).toMatchObject({ fingerprint: envelopeFingerprint(alice), verified: false });
    expect(contact?.fingerprint).toBe(alice.pgp.fingerprint); // the OpenPGP key is pinned beside it
    expect((await keyStatuses([ALICE], bob.keys))[0]).toMatchObject({
      kind: 'native',
      envelope: { pin: 'pinned' },
    });

    // The directory now binds another identity to alice.
    state.lookup = imposter;
    state.bundle = imposter;
    state.clock = LOOKUP_REUSE_MS; // past the reuse of the earlier answer
    const [changed] = await keyStatuses([ALICE], bob.keys);
    expect(changed).toMatchObject({
      kind: 'pgp',
      fingerprint: alice.pgp.fingerprint,
      envelopeChanged: { pinned: envelopeFingerprint(alice), seen: envelopeFingerprint(imposter) },
    });
    expect((await bob.compose()).format).toBe('pgp');
  });

  it('a bundle whose identity is not the one the lookup showed is refused, and nothing is sealed', async () => {
    const bob = await bobWith({ lookup: alice, bundle: imposter, pgp: alicePgp });
    expect((await keyStatuses([ALICE], bob.keys))[0]?.kind).toBe('native');
    await expect(bob.compose()).rejects.toMatchObject({
      code: 'key_unusable',
      message: /not the pinned one/,
    });
    expect((await bob.records.contact(ALICE))?.envelope).toBeUndefined();
  });

  it('the read verdict pins a directory-confirmed sender, then warns when another identity signs', async () => {
    const state: Parameters<typeof directoryOf>[0] = { lookup: alice, bundle: alice, pgp: alicePgp };
    const bob = await bobWith(state);
    const first = await bob.read(await sealFrom(alice, bob.identity, 'one'));
    if (first.kind !== 'message') throw new Error('expected a message');
    expect(first.verdict.identityPin).toMatchObject({
      state: 'first_seen',
      fingerprint: envelopeFingerprint(alice),
    });
    expect(first.verdict.signedBySender).toBe(true);

    // The directory and the envelope both move to another identity: signed, but not by the pinned one.
    state.lookup = imposter;
    state.clock = LOOKUP_REUSE_MS;
    const second = await bob.read(await sealFrom(imposter, bob.identity, 'two'));
    if (second.kind !== 'message') throw new Error('expected a message');
    expect(second.verdict.identityPin).toMatchObject({
      state: 'changed',
      fingerprint: envelopeFingerprint(imposter),
      pinned: envelopeFingerprint(alice),
    });
    expect(second.verdict.signedBySender).toBe(false);
    expect((await bob.records.securityLog()).map((e) => e.kind)).toContain('envelope_identity_changed');
    expect((await bob.records.contact(ALICE))?.envelope?.pendingChange?.fingerprint).toBe(
      envelopeFingerprint(imposter),
    );

    // Alice's own identity still reads as pinned; comparing its fingerprint marks it verified.
    await verifyContact(bob.records, ALICE, envelopeFingerprint(alice).replace(/(.{4})/g, '$1 '));
    const third = await bob.read(await sealFrom(alice, bob.identity, 'three'));
    expect(third.kind === 'message' && third.verdict.identityPin?.state).toBe('verified');

    // Accepting the change pins the new identity, unverified.
    await acceptKeyChange(bob.records, ALICE);
    const fourth = await bob.read(await sealFrom(imposter, bob.identity, 'four'));
    expect(fourth.kind === 'message' && fourth.verdict.identityPin?.state).toBe('pinned');
  });

  it('an answer its log does not name is refused in compose and leaves a read sender unconfirmed, saying why', async () => {
    const state: Parameters<typeof directoryOf>[0] = {
      lookup: alice,
      bundle: alice,
      pgp: alicePgp,
      unlogged: imposter,
    };
    const bob = await bobWith(state);
    const [status] = await keyStatuses([ALICE], bob.keys);
    expect(status).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/transparency check/) });
    await expect(bob.compose()).rejects.toMatchObject({
      code: 'key_unusable',
      message: /transparency check/,
    });
    const view = await bob.read(await sealFrom(imposter, bob.identity, 'served unlogged'));
    if (view.kind !== 'message') throw new Error('expected a message');
    expect(view.verdict.identityPin).toBeUndefined();
    expect(view.verdict.warnings).toContainEqual({
      code: 'sender_transparency_failed',
      reason: expect.stringMatching(/names another key/),
    });
    expect(await bob.records.contact(ALICE)).toBeUndefined();
    expect((await bob.records.securityLog()).map((e) => e.kind)).toContain('transparency_refused');
  });

  it('an identity the directory does not bind is not pinned on first sight', async () => {
    const bob = await bobWith({ lookup: alice, bundle: alice, pgp: alicePgp });
    const view = await bob.read(await sealFrom(imposter, bob.identity, 'unbound'));
    expect(view.kind === 'message' && view.verdict.identityPin).toBeUndefined();
    expect(await bob.records.contact(ALICE)).toBeUndefined();
  });
});
