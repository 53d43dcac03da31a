// The overlay's crypto over real openpgp.js and the real envelope: round trips, tampering,
// signer/sender mismatch, unknown signer, missing keys, public key blocks.

import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/encoding.ts';
import {
  fingerprintHex,
  identitySecretFromJson,
  oneTimePrekeySecretFromJson,
  publicIdentity,
  publicOneTimePrekey,
  publicSignedPrekey,
  type RecipientBundle,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { publicKeyOf } from '../../shared/pgp/keys.ts';
import { generateIdentitySecrets, type IdentitySecrets } from './identity.ts';
import { type ContactKey, type OverlayKeySource, readBlock, UnlockedKeyCache } from './overlay-crypto.ts';
import { encryptCompose, keyStatuses } from './overlay-encrypt.ts';
import { recipientKeysOf } from './prekey-custody.ts';

const CANARY = 'canary-7f3a9 secret plaintext ✓';

function bundleOf(s: IdentitySecrets): RecipientBundle {
  const identity = identitySecretFromJson(s.envelope.identity);
  return {
    address: s.address,
    deviceId: '',
    identity: publicIdentity(identity),
    signedPrekey: publicSignedPrekey(identity, signedPrekeySecretFromJson(s.envelope.signedPrekeys[0]!)),
    oneTimePrekey: publicOneTimePrekey(oneTimePrekeySecretFromJson(s.envelope.oneTimePrekeys[0]!)),
  };
}

let alice: IdentitySecrets;
let bob: IdentitySecrets;
let mallory: IdentitySecrets;
const contact = async (s: IdentitySecrets, source = 'manual'): Promise<ContactKey> => ({
  address: s.address,
  armoredKey: await publicKeyOf(s.pgp.privateKey),
  fingerprint: s.pgp.fingerprint,
  source,
});

function source(
  self: IdentitySecrets,
  contacts: ContactKey[],
  bundles: IdentitySecrets[] = [],
): OverlayKeySource {
  return {
    secrets: async () => self,
    contacts: async () => contacts,
    lookup: async (a) => {
      const s = bundles.find((b) => b.address === a);
      return s
        ? { fingerprint: s.pgp.fingerprint, openpgpKey: await publicKeyOf(s.pgp.privateKey), envelope: true }
        : null;
    },
    envelopeFingerprint: async (a) => {
      const s = bundles.find((b) => b.address === a) ?? [alice, bob].find((b) => b?.address === a);
      return s ? fingerprintHex(publicIdentity(identitySecretFromJson(s.envelope.identity))) : null;
    },
    bundle: async (a) => {
      const s = bundles.find((b) => b.address === a);
      return s ? bundleOf(s) : null;
    },
    // No replay ledger here (prekey-custody.test.ts has it): every one-time prekey stays held.
    envelopeReading: async ({ senderFingerprint }) => ({
      keys: recipientKeysOf(self, async (id) => self.envelope.oneTimePrekeys.find((o) => o.id === id)),
      options: senderFingerprint ? { senderFingerprint } : {},
    }),
    // No pins here (envelope-pins.test.ts has them).
    envelopePin: async () => null,
  };
}

beforeAll(async () => {
  const quiet = () => {};
  const made = await Promise.all(
    ['alice@webmail.localhost', 'bob@webmail.localhost', 'mallory@evil.example'].map((a) =>
      generateIdentitySecrets(a, quiet),
    ),
  );
  alice = made[0] as IdentitySecrets;
  bob = made[1] as IdentitySecrets;
  mallory = made[2] as IdentitySecrets;
}, 60_000);

const compose = (over: Partial<Parameters<typeof encryptCompose>[0]> = {}) => ({
  to: ['bob@webmail.localhost'],
  cc: [],
  bcc: [],
  subject: 'Quarterly numbers',
  text: `Hello Bob, ${CANARY}`,
  sign: true,
  attachments: [],
  ...over,
});

describe('PGP compose → read', () => {
  it('round-trips with a protected subject, attachment and a valid signature by the sender', async () => {
    const aliceKeys = source(alice, [await contact(bob)]);
    const progress: number[] = [];
    const out = await encryptCompose(
      compose({
        attachments: [
          { filename: 'a.bin', contentType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]) },
        ],
      }),
      aliceKeys,
      new UnlockedKeyCache(),
      (done) => progress.push(done),
    );
    expect(out.format).toBe('pgp');
    expect(out.armored).not.toContain('canary');
    expect(out.armored).not.toContain('Quarterly');
    for (const line of out.armored.split('\n')) expect(line.length).toBeLessThanOrEqual(64);
    expect(progress.length).toBeGreaterThan(0);

    const view = await readBlock(
      {
        kind: 'pgp-message',
        text: out.armored,
        displayedSender: 'alice@webmail.localhost',
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, [await contact(alice)]),
      new UnlockedKeyCache(),
    );
    if (view.kind !== 'message') throw new Error('expected a message');
    expect(view.parts.map((p) => p.text).join('')).toContain(CANARY);
    expect(view.subject).toBe('Quarterly numbers');
    expect(view.verdict.subjectProtected).toBe(true);
    expect(view.verdict.encrypted).toBe(true);
    expect(view.verdict.integrityProtected).toBe(true);
    expect(view.verdict.signedBySender).toBe(true);
    expect(view.attachments).toHaveLength(1);
    expect(fromBase64(view.attachments[0]!.data)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('warns when the signer is not the displayed sender, and says unknown key without the signer', async () => {
    const out = await encryptCompose(compose(), source(alice, [await contact(bob)]), new UnlockedKeyCache());
    const spoofed = await readBlock(
      {
        kind: 'pgp-message',
        text: out.armored,
        displayedSender: 'ceo@bank.example',
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, [await contact(alice)]),
      new UnlockedKeyCache(),
    );
    if (spoofed.kind !== 'message') throw new Error('expected a message');
    expect(spoofed.verdict.signedBySender).toBe(false);
    expect(spoofed.verdict.signatures[0]?.status).toBe('valid');
    expect(spoofed.verdict.signatures[0]?.signerMatchesSender).toBe(false);

    const unknown = await readBlock(
      {
        kind: 'pgp-message',
        text: out.armored,
        displayedSender: 'alice@webmail.localhost',
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, []),
      new UnlockedKeyCache(),
    );
    if (unknown.kind !== 'message') throw new Error('expected a message');
    expect(unknown.verdict.signatures[0]?.status).toBe('unknown_key');
    expect(unknown.verdict.signedBySender).toBe(false);
  });

  it('one cache across reads parses each contact key once and forgets a removed contact', async () => {
    const out = await encryptCompose(compose(), source(alice, [await contact(bob)]), new UnlockedKeyCache());
    const cache = new UnlockedKeyCache();
    const aliceContact = await contact(alice);
    const read = (contacts: ContactKey[]) =>
      readBlock(
        {
          kind: 'pgp-message',
          text: out.armored,
          displayedSender: 'alice@webmail.localhost',
          clipped: false,
          fullViewUrl: null,
        },
        source(bob, contacts),
        cache,
      );
    const first = await read([aliceContact]);
    const again = await read([aliceContact]);
    const removed = await read([]);
    if (first.kind !== 'message' || again.kind !== 'message' || removed.kind !== 'message')
      throw new Error('expected messages');
    expect(first.verdict.signatures[0]?.status).toBe('valid');
    expect(again.verdict.signatures[0]?.status).toBe('valid');
    expect(removed.verdict.signatures[0]?.status).toBe('unknown_key');
    expect(removed.parts.map((p) => p.text).join('')).toContain(CANARY);
    const [k1] = await cache.publicKeys([aliceContact.armoredKey]);
    const [k2] = await cache.publicKeys([aliceContact.armoredKey]);
    expect(k1).toBe(k2);
    expect(k1?.getFingerprint().toUpperCase()).toBe(alice.pgp.fingerprint);
    await expect(cache.publicKeys(['not a key'])).rejects.toMatchObject({ code: 'malformed' });
  });

  it('refuses tampered ciphertext with no plaintext', async () => {
    const out = await encryptCompose(compose(), source(alice, [await contact(bob)]), new UnlockedKeyCache());
    const lines = out.armored.split('\n');
    // Flip one base64 character in the middle of the body.
    const i = Math.floor(lines.length / 2);
    const line = lines[i]!;
    lines[i] = (line[10] === 'A' ? 'B' : 'A').padStart(11, line.slice(0, 10)) + line.slice(11);
    const err = await readBlock(
      {
        kind: 'pgp-message',
        text: lines.join('\n'),
        displayedSender: 'alice@webmail.localhost',
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, [await contact(alice)]),
      new UnlockedKeyCache(),
    ).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err).not.toBeNull();
    expect(['tampered', 'malformed']).toContain(err?.code);
    expect(err?.message).not.toContain('canary');
  });

  it('refuses recipients without a key instead of sending plaintext', async () => {
    await expect(
      encryptCompose(
        compose({ cc: ['nokey@example.org'] }),
        source(alice, [await contact(bob)]),
        new UnlockedKeyCache(),
      ),
    ).rejects.toMatchObject({ code: 'key_unusable' });
  });

  it('refuses to work while locked, saying locked (not a key problem)', async () => {
    const locked: OverlayKeySource = { ...source(alice, [await contact(bob)]), secrets: async () => null };
    await expect(encryptCompose(compose(), locked, new UnlockedKeyCache())).rejects.toMatchObject({
      code: 'locked',
    });
  });
});

describe('native envelope', () => {
  it('is chosen when every recipient has a bundle, and opens for the recipient', async () => {
    const aliceKeys = source(alice, [await contact(bob)], [bob]);
    expect(
      (await keyStatuses(['bob@webmail.localhost', 'x@y.example'], aliceKeys)).map((s) => s.kind),
    ).toEqual(['native', 'none']);
    const out = await encryptCompose(compose(), aliceKeys, new UnlockedKeyCache());
    expect(out.format).toBe('native');
    for (const line of out.armored.split('\n')) expect(line.length).toBeLessThanOrEqual(64);
    const view = await readBlock(
      {
        kind: 'envelope',
        text: out.armored,
        displayedSender: 'alice@webmail.localhost',
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, []),
      new UnlockedKeyCache(),
    );
    if (view.kind !== 'message') throw new Error('expected a message');
    expect(view.parts.map((p) => p.text).join('')).toContain(CANARY);
    expect(view.subject).toBe('Quarterly numbers');
    expect(view.verdict.format).toBe('envelope');
    expect(view.verdict.signatures[0]?.status).toBe('valid');
    expect(view.verdict.signedBySender).toBe(true);
    // Shown as from someone else: the directory-bound identity does not match.
    const spoofed = await readBlock(
      {
        kind: 'envelope',
        text: out.armored,
        displayedSender: 'mallory@evil.example',
        clipped: false,
        fullViewUrl: null,
      },
      { ...source(bob, []), envelopeFingerprint: async () => null },
      new UnlockedKeyCache(),
    ).catch((e: { code: string }) => e.code);
    expect(
      typeof spoofed === 'string' ? spoofed : spoofed.kind === 'message' && spoofed.verdict.signedBySender,
    ).not.toBe(true);
  });

  it('a mallory key cannot open an envelope for bob', async () => {
    const out = await encryptCompose(compose(), source(alice, [], [bob]), new UnlockedKeyCache());
    await expect(
      readBlock(
        { kind: 'envelope', text: out.armored, displayedSender: null, clipped: false, fullViewUrl: null },
        source(mallory, []),
        new UnlockedKeyCache(),
      ),
    ).rejects.toMatchObject({ code: 'not_for_me' });
  });

  it('a read while locked says locked, for OpenPGP and envelopes alike; unlocked, the same text opens', async () => {
    const pgp = await encryptCompose(compose(), source(alice, [await contact(bob)]), new UnlockedKeyCache());
    const native = await encryptCompose(compose(), source(alice, [], [bob]), new UnlockedKeyCache());
    const lockedBob: OverlayKeySource = { ...source(bob, [await contact(alice)]), secrets: async () => null };
    for (const [kind, text] of [
      ['pgp-message', pgp.armored],
      ['envelope', native.armored],
    ] as const) {
      const req = { kind, text, displayedSender: null, clipped: false, fullViewUrl: null };
      await expect(readBlock(req, lockedBob, new UnlockedKeyCache()), kind).rejects.toMatchObject({
        code: 'locked',
      });
      const view = await readBlock(req, source(bob, [await contact(alice)], [alice]), new UnlockedKeyCache());
      expect(view.kind, kind).toBe('message');
    }
  });
});

describe('public key blocks', () => {
  it('shows every user ID and refuses secret keys', async () => {
    const view = await readBlock(
      {
        kind: 'pgp-public-key',
        text: await publicKeyOf(alice.pgp.privateKey),
        displayedSender: null,
        clipped: false,
        fullViewUrl: null,
      },
      source(bob, []),
      new UnlockedKeyCache(),
    );
    expect(view).toMatchObject({ kind: 'key', fingerprint: alice.pgp.fingerprint, imported: false });
    if (view.kind === 'key') expect(view.userIds.join()).toContain('alice@webmail.localhost');
    await expect(
      readBlock(
        {
          kind: 'pgp-public-key',
          text: alice.pgp.privateKey,
          displayedSender: null,
          clipped: false,
          fullViewUrl: null,
        },
        source(bob, []),
        new UnlockedKeyCache(),
      ),
    ).rejects.toMatchObject({ code: 'secret_key_material' });
  });
});
