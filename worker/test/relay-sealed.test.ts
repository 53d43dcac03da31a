// The relay in sealed mode (docs/spec/relay-v1.md, docs/threat-model.md "The outbound relay"):
// the plaintext opens only with the relay's key and only for the envelope it was sealed to, and
// after any sealed send — delivered or refused — no trace of it is in D1, in any mailbox's
// Durable Object, in R2 or in what the Worker logged.
import { describe, expect, it } from 'vitest';
import { RelayKeyDocument } from '../../shared/api/relay.ts';
import { fromBase64Url, fromHex, toBase64Url, utf8 } from '../../shared/encoding.ts';
import { deriveRelayKeyPair, type RelayPublicKey, sealForRelay } from '../../shared/relay/index.ts';
import { findEverywhere } from './inbox-support/storage-scan.ts';
import {
  appGet,
  type InboxAccount,
  inboxAccount,
  relayEnv,
  sendRequest,
} from './relay-support/relay-mail.ts';
import { expectError } from './support/accounts.ts';
import { captureConsole } from './support/console-capture.ts';

const CANARY = 'CANARY-sealed-7f3a';
const DAVE = 'dave@example.org';
const ERIN = 'erin@example.net';

function plainMime(from: string, subject = `${CANARY} subject`): Uint8Array {
  return utf8(
    [
      `From: Alice <${from}>`,
      `To: ${DAVE}`,
      `Subject: ${subject}`,
      `Message-ID: <${crypto.randomUUID()}@noise.localhost>`,
      'Date: Mon, 07 Dec 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello Dave, the secret is ${CANARY}.`,
      '',
    ].join('\r\n'),
  );
}

async function relayKey(e: Cloudflare.Env): Promise<RelayPublicKey> {
  const res = await appGet(e, '/.well-known/noise-relay-key');
  expect(res.status).toBe(200);
  const doc = RelayKeyDocument.parse(await res.json());
  return { publicKey: fromBase64Url(doc.publicKey), keyId: fromHex(doc.keyId) };
}

const logged = captureConsole();

async function expectNoTrace(accounts: InboxAccount[]): Promise<void> {
  expect(
    await findEverywhere(
      CANARY,
      accounts.map((a) => a.address),
    ),
  ).toEqual([]);
  expect(logged.filter((l) => l.toLowerCase().includes(CANARY.toLowerCase()))).toEqual([]);
}

describe('relay, sealed mode', () => {
  it('opens the seal in memory, sends the plaintext, and keeps no trace of it anywhere', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, sent } = relayEnv();
    const mime = plainMime(alice.address);
    const envelope = { from: alice.address, to: [DAVE, ERIN] };
    const sealed = await sealForRelay(mime, envelope, await relayKey(e));
    const res = await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, sealed);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(sent.map((s) => s.to)).toEqual([DAVE, ERIN]);
    for (const s of sent) expect(s.raw).toEqual(mime);
    await expectNoTrace([alice]);
  });

  it('refuses a tampered seal, a seal to another key and a seal for another envelope, leaving no trace', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const key = await relayKey(e);
    const envelope = { from: alice.address, to: [DAVE] };
    const sealed = await sealForRelay(plainMime(alice.address), envelope, key);

    const flipped = sealed.slice();
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] ?? 0) ^ 0x01;
    await expectError(
      await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, flipped),
      400,
      'seal_tampered',
    );

    const stranger = await deriveRelayKeyPair(new Uint8Array(32).fill(3));
    const toStranger = await sealForRelay(plainMime(alice.address), envelope, stranger);
    await expectError(
      await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, toStranger),
      400,
      'relay_key_unknown',
    );
    const impostor = await sealForRelay(plainMime(alice.address), envelope, {
      ...stranger,
      keyId: key.keyId,
    });
    await expectError(
      await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, impostor),
      400,
      'seal_tampered',
    );

    // The recipients and the From are bound (associated data): the same seal replayed for more
    // recipients, fewer, in another order or from another owned address does not open.
    const two = { from: alice.address, to: [DAVE, ERIN] };
    const sealedTwo = await sealForRelay(plainMime(alice.address), two, key);
    for (const to of [[DAVE, ERIN, 'mallory@evil.example'], [DAVE], [ERIN, DAVE]])
      await expectError(
        await sendRequest(e, alice.token, { mode: 'sealed', from: alice.address, to }, sealedTwo),
        400,
        'seal_tampered',
      );
    expect(attempts).toHaveLength(0);
    await expectNoTrace([alice]);
  });

  it('names what is wrong with a seal that is not one (seal_malformed) or of an unknown version (seal_unsupported)', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const envelope = { from: alice.address, to: [DAVE] };
    const sealed = await sealForRelay(plainMime(alice.address), envelope, await relayKey(e));
    const badMagic = sealed.slice();
    badMagic[0] = 0x41;
    const v2 = sealed.slice();
    v2[3] = 2; // docs/spec/relay-v1.md §3.1: "NRS" then the version byte
    for (const [body, code] of [
      [sealed.slice(0, 20), 'seal_malformed'],
      [badMagic, 'seal_malformed'],
      [v2, 'seal_unsupported'],
    ] as const)
      await expectError(await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, body), 400, code);
    expect(attempts).toHaveLength(0);
    await expectNoTrace([alice]);
  });

  it('binds the From: another account cannot send a seal made for one of alice’s addresses as its own', async () => {
    const alice = await inboxAccount('alice');
    const mallory = await inboxAccount('mallory');
    const { env: e, attempts } = relayEnv();
    const sealed = await sealForRelay(
      plainMime(alice.address),
      { from: alice.address, to: [DAVE] },
      await relayKey(e),
    );
    // As alice's sender: refused before the seal is opened, and logged for mallory's account.
    await expectError(
      await sendRequest(e, mallory.token, { mode: 'sealed', from: alice.address, to: [DAVE] }, sealed),
      403,
      'sender_not_allowed',
    );
    // As mallory's own sender: the seal does not open for it.
    await expectError(
      await sendRequest(e, mallory.token, { mode: 'sealed', from: mallory.address, to: [DAVE] }, sealed),
      400,
      'seal_tampered',
    );
    expect(attempts).toHaveLength(0);
    await expectNoTrace([alice, mallory]);
  });

  it('after opening, checks the plaintext like any message (a foreign From is refused and logged, not sent)', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const envelope = { from: alice.address, to: [DAVE] };
    const foreign = await sealForRelay(plainMime('ceo@bank.example'), envelope, await relayKey(e));
    await expectError(
      await sendRequest(e, alice.token, { mode: 'sealed', ...envelope }, foreign),
      403,
      'sender_not_allowed',
    );
    const overQuota = relayEnv({ RELAY_HOURLY_LIMIT: '0' });
    const sealed = await sealForRelay(plainMime(alice.address), envelope, await relayKey(e));
    // A limit of 0 is malformed and falls back to the default, never to "no limit".
    expect(
      (await sendRequest(overQuota.env, alice.token, { mode: 'sealed', ...envelope }, sealed)).status,
    ).toBe(200);
    expect(attempts).toHaveLength(0);
    await expectNoTrace([alice]);
  });

  it('fails closed in production without RELAY_KEY; encrypted mode does not need it', async () => {
    const alice = await inboxAccount('alice');
    const production = relayEnv({ ENVIRONMENT: 'production', RELAY_KEY: undefined });
    await expectError(
      await appGet(production.env, '/.well-known/noise-relay-key'),
      503,
      'relay_not_configured',
    );
    const development = relayEnv();
    const sealed = await sealForRelay(
      plainMime(alice.address),
      { from: alice.address, to: [DAVE] },
      await relayKey(development.env),
    );
    await expectError(
      await sendRequest(
        production.env,
        alice.token,
        { mode: 'sealed', from: alice.address, to: [DAVE] },
        sealed,
      ),
      503,
      'relay_not_configured',
    );
    expect(production.attempts).toHaveLength(0);
    const unset = relayEnv({ ENVIRONMENT: undefined, RELAY_KEY: undefined });
    await expectError(await appGet(unset.env, '/.well-known/noise-relay-key'), 503, 'relay_not_configured');
    await expectError(
      await appGet(
        relayEnv({ ENVIRONMENT: 'production', RELAY_KEY: 'c2hvcnQ' }).env,
        '/.well-known/noise-relay-key',
      ),
      503,
      'relay_not_configured',
    );
  });

  it('publishes the configured key with its rotation date, and opens seals to the previous key during a rotation', async () => {
    const alice = await inboxAccount('alice');
    const oldSecret = toBase64Url(new Uint8Array(32).fill(11));
    const newSecret = toBase64Url(new Uint8Array(32).fill(12));
    const before = relayEnv({ ENVIRONMENT: 'production', RELAY_KEY: oldSecret });
    const oldKey = await relayKey(before.env);
    expect(oldKey.publicKey).toEqual((await deriveRelayKeyPair(new Uint8Array(32).fill(11))).publicKey);
    const envelope = { from: alice.address, to: [DAVE] };
    const sealedOld = await sealForRelay(plainMime(alice.address), envelope, oldKey);
    const after = relayEnv({
      ENVIRONMENT: 'production',
      RELAY_KEY: newSecret,
      RELAY_PREVIOUS_KEY: oldSecret,
      RELAY_KEY_ROTATES_AT: '2027-03-01T00:00:00Z',
    });
    const doc = RelayKeyDocument.parse(
      await (await appGet(after.env, '/.well-known/noise-relay-key')).json(),
    );
    expect(doc.rotatesAt).toBe('2027-03-01T00:00:00.000Z');
    expect(fromHex(doc.keyId)).not.toEqual(oldKey.keyId);
    expect(
      (await sendRequest(after.env, alice.token, { mode: 'sealed', ...envelope }, sealedOld)).status,
    ).toBe(200);
    const retired = relayEnv({ ENVIRONMENT: 'production', RELAY_KEY: newSecret });
    const again = await sealForRelay(plainMime(alice.address), envelope, oldKey);
    await expectError(
      await sendRequest(retired.env, alice.token, { mode: 'sealed', ...envelope }, again),
      400,
      'relay_key_unknown',
    );
    // The key document is public: any origin may read it.
    const cors = await appGet(before.env, '/.well-known/noise-relay-key');
    expect(cors.headers.get('Cache-Control')).toMatch(/max-age=\d+/);
  });
});
