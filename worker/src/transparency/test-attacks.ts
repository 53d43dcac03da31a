// A dishonest directory, for tests only (docs/spec/transparency-v1.md §7.3): with the test
// switch's `attacks` flag (development only, test-switch.ts) this middleware arms, per address,
//   - a fork: lookups of the address serve a given key with a bundle from a signed tree that is
//     the real log plus one leaf binding that key, and the log's checkpoint and consistency
//     routes answer from that tree;
//   - an unlogged key: lookups of the address serve a given key with the real bundle;
//   - a foreign key: a real leaf appended to the log binding a given fingerprint to the address.
// Without the flag it passes every request on untouched and creates nothing. Its state is a
// table it creates itself, so no migration ever brings it to a production database.

import type { Context, MiddlewareHandler, Next } from 'hono';
import * as openpgp from 'openpgp';
import { z } from 'zod';
import type { KeyLookupResponse } from '../../../shared/api/directory.ts';
import { ArmoredPublicKey, Fingerprint } from '../../../shared/api/directory.ts';
import { Address } from '../../../shared/api/fields.ts';
import { toBase64Url } from '../../../shared/encoding.ts';
import {
  buildProofBundle,
  leafForEvent,
  MemoryTree,
  openpgpFingerprintBytes,
  proveAddress,
  signCheckpoint,
} from '../../../shared/transparency/index.ts';
import { runBatch } from '../directory/batch.ts';
import { bindingByAddress } from '../directory/keys-table.ts';
import type { AppEnv } from '../env.ts';
import { errorResponse } from '../http/errors.ts';
import { appendEvents } from './append.ts';
import { leavesRange } from './leaves-table.ts';
import { logKeys } from './log-keys.ts';
import { proofBundleFor } from './proof-bundle.ts';
import { currentCheckpoint } from './sequencer.ts';
import { testSwitchOn } from './test-switch.ts';

type Ctx = Context<AppEnv>;
const BASE = '/api/v1/test/transparency';

interface Armed {
  address: string;
  kind: 'fork' | 'unlogged';
  armoredKey: string;
  forkSize: number | null;
  forkNote: string | null;
  forkLeaf: Uint8Array | null;
}

async function table(db: D1Database): Promise<void> {
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS test_transparency_attacks (address TEXT PRIMARY KEY, kind TEXT NOT NULL,
       armored_key TEXT NOT NULL, fork_size INTEGER, fork_note TEXT, fork_leaf BLOB)`,
    )
    .run();
}

async function armed(db: D1Database): Promise<Armed[]> {
  await table(db);
  const { results } = await db
    .prepare(
      'SELECT address, kind, armored_key, fork_size, fork_note, fork_leaf FROM test_transparency_attacks',
    )
    .all<{
      address: string;
      kind: Armed['kind'];
      armored_key: string;
      fork_size: number | null;
      fork_note: string | null;
      fork_leaf: ArrayBuffer | null;
    }>();
  return results.map((r) => ({
    address: r.address,
    kind: r.kind,
    armoredKey: r.armored_key,
    forkSize: r.fork_size,
    forkNote: r.fork_note,
    forkLeaf: r.fork_leaf && new Uint8Array(r.fork_leaf),
  }));
}

/** The fork's tree: the real leaves below its size, then its own leaf. */
async function forkTree(db: D1Database, fork: Armed): Promise<MemoryTree> {
  const tree = new MemoryTree();
  for (const leaf of await leavesRange(db, 0, (fork.forkSize ?? 1) - 1)) tree.appendLeaf(leaf);
  tree.appendLeaf(fork.forkLeaf ?? new Uint8Array());
  return tree;
}

async function keyFacts(armoredKey: string) {
  const key = await openpgp.readKey({ armoredKey });
  return { fingerprint: key.getFingerprint().toUpperCase(), keyId: key.getKeyID().toHex().toUpperCase() };
}

const ArmRequest = z.strictObject({ address: Address, armoredKey: ArmoredPublicKey });

async function arm(c: Ctx, kind: Armed['kind']): Promise<Response> {
  const parsed = ArmRequest.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return errorResponse(c, 400, 'invalid_request', 'address and armoredKey.');
  const env = c.env;
  const address = parsed.data.address.toLowerCase();
  let fork: Pick<Armed, 'forkSize' | 'forkNote' | 'forkLeaf'> = {
    forkSize: null,
    forkNote: null,
    forkLeaf: null,
  };
  if (kind === 'fork') {
    const { checkpoint } = await currentCheckpoint(env);
    const { signer, vrfSecret } = logKeys(env);
    const bound = await bindingByAddress(env.DB, address);
    const { fingerprint } = await keyFacts(parsed.data.armoredKey);
    const leaf = leafForEvent(
      vrfSecret,
      {
        event: 'key_published',
        address,
        fingerprint: openpgpFingerprintBytes(fingerprint),
        previous: bound ? openpgpFingerprintBytes(bound.fingerprint) : null,
      },
      Date.now(),
    );
    const size = checkpoint.size + 1;
    const tree = await forkTree(env.DB, { forkSize: size, forkLeaf: leaf } as Armed);
    const note = signCheckpoint({ origin: signer.name, size, root: tree.root() }, signer);
    fork = { forkSize: size, forkNote: note, forkLeaf: leaf };
  }
  await table(env.DB);
  await env.DB.prepare(
    `INSERT OR REPLACE INTO test_transparency_attacks (address, kind, armored_key, fork_size, fork_note, fork_leaf)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)`,
  )
    .bind(address, kind, parsed.data.armoredKey, fork.forkSize, fork.forkNote, fork.forkLeaf)
    .run();
  return c.json({ armed: kind, address, forkSize: fork.forkSize });
}

const ForeignKeyRequest = z.strictObject({ address: Address, fingerprint: Fingerprint });

/** A real leaf binding a key the owner never published: what self-monitoring must catch. */
async function foreignKey(c: Ctx): Promise<Response> {
  const parsed = ForeignKeyRequest.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) return errorResponse(c, 400, 'invalid_request', 'address and fingerprint.');
  const address = parsed.data.address.toLowerCase();
  const bound = await bindingByAddress(c.env.DB, address);
  const event = {
    event: 'key_published' as const,
    address,
    fingerprint: openpgpFingerprintBytes(parsed.data.fingerprint),
    previous: bound ? openpgpFingerprintBytes(bound.fingerprint) : null,
  };
  await runBatch(c.env.DB, appendEvents(c.env, [event], Date.now()));
  return c.json({ logged: address });
}

const forged = (c: Ctx, body: unknown) =>
  c.json(body as object, 200, { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });

async function forgedLookup(c: Ctx, attack: Armed): Promise<Response> {
  const env = c.env;
  const facts = await keyFacts(attack.armoredKey);
  const now = Date.now();
  const body: KeyLookupResponse = {
    ...facts,
    addresses: [attack.address],
    createdAt: now,
    updatedAt: now,
    revoked: false,
    openpgpKey: attack.armoredKey,
    envelope: false,
    envelopeIdentity: null,
  };
  if (attack.kind === 'unlogged') {
    const real = await proofBundleFor(env, attack.address);
    return forged(c, real?.bundle ? { ...body, transparency: real.bundle } : body);
  }
  const tree = await forkTree(env.DB, attack);
  const index = (attack.forkSize ?? 1) - 1;
  const transparency = buildProofBundle({
    checkpoint: attack.forkNote ?? '',
    vrfProof: proveAddress(logKeys(env).vrfSecret, attack.address).proof,
    key: { index, leaf: attack.forkLeaf ?? new Uint8Array(), proof: tree.inclusionProof(index) },
  });
  return forged(c, { ...body, transparency });
}

/** The log routes as the fork shows them: its checkpoint, and proofs up to its size. */
async function forkedLog(c: Ctx, fork: Armed, path: string): Promise<Response | null> {
  if (path === '/api/v1/log/checkpoint')
    return c.body(fork.forkNote ?? '', 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
    });
  const from = Number(c.req.query('from'));
  if (path === '/api/v1/log/proof/consistency' && Number(c.req.query('to')) === fork.forkSize && from >= 0) {
    const proof = (await forkTree(c.env.DB, fork)).consistencyProof(from);
    return forged(c, { from, to: fork.forkSize, proof: proof.map(toBase64Url) });
  }
  return null;
}

async function attack(c: Ctx, next: Next): Promise<Response | undefined> {
  const path = c.req.path;
  if (path === `${BASE}/fork` && c.req.method === 'POST') return arm(c, 'fork');
  if (path === `${BASE}/unlogged-key` && c.req.method === 'POST') return arm(c, 'unlogged');
  if (path === `${BASE}/foreign-key` && c.req.method === 'POST') return foreignKey(c);
  if (path === BASE && c.req.method === 'DELETE') {
    await table(c.env.DB);
    await c.env.DB.prepare('DELETE FROM test_transparency_attacks').run();
    return c.json({ disarmed: true });
  }
  if (
    c.req.method === 'GET' &&
    (path.startsWith('/api/v1/lookup/by-email/') || path.startsWith('/api/v1/log/'))
  ) {
    const attacks = await armed(c.env.DB);
    const target = decodeURIComponent(path.slice('/api/v1/lookup/by-email/'.length)).trim().toLowerCase();
    const hit = attacks.find((a) => path.startsWith('/api/v1/lookup/by-email/') && a.address === target);
    if (hit) return forgedLookup(c, hit);
    const fork = attacks.find((a) => a.kind === 'fork');
    const forkedAnswer = fork && (await forkedLog(c, fork, path));
    if (forkedAnswer) return forkedAnswer;
  }
  await next();
  return undefined;
}

/** Mounted before every route; a no-op unless the test switch arms it. */
export const transparencyTestAttacks: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!testSwitchOn(c.env, 'attacks')) return next();
  return attack(c, next);
};
