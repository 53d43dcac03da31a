// The log's public routes (docs/spec/transparency-v1.md §7.1), any origin. Everything served is
// bounded by the latest signed checkpoint; reading the log is also what signs a new checkpoint
// when leaves wait (§5.3), and a new checkpoint is offered to the witnesses in the background.

import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { normalizeAddress } from '../../../shared/address.ts';
import { Address } from '../../../shared/api/directory.ts';
import { DecimalInteger } from '../../../shared/api/fields.ts';
import type {
  ConsistencyProofResponse,
  InclusionProofResponse,
  LabelResponse,
  LeavesResponse,
} from '../../../shared/api/transparency.ts';
import { toBase64Url } from '../../../shared/encoding.ts';
import { MAX_LEAVES_PER_PAGE, proveAddress, signVrfKeyNote } from '../../../shared/transparency/index.ts';
import type { AppEnv } from '../env.ts';
import { publicCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { validate } from '../http/validation.ts';
import { limitLookup } from '../lookup/resolve.ts';
import { type CheckpointRow, cosignatureLines } from './checkpoints-table.ts';
import { leavesRange } from './leaves-table.ts';
import { logKeys } from './log-keys.ts';
import { currentCheckpoint } from './sequencer.ts';
import { consistencyProof, inclusionProof } from './tree-store.ts';
import { requestCosignatures } from './witnesses.ts';

// biome-ignore lint/suspicious/noExplicitAny: any route path and input
type Ctx = Context<AppEnv, any>;

/** §1.3 sizes in query strings: decimal, no leading zeros, safe integers. */
const Size = DecimalInteger;

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };
/** Leaves and proofs for given sizes never change. */
const IMMUTABLE = { 'Cache-Control': 'public, max-age=31536000, immutable' };

const outOfRange = (what: string) =>
  new ApiError(400, 'out_of_range', `${what} is beyond the latest checkpoint.`);

async function checkpointNow(c: Ctx): Promise<CheckpointRow> {
  const { checkpoint, signed } = await currentCheckpoint(c.env);
  if (signed) background(c, requestCosignatures(c.env, checkpoint));
  return checkpoint;
}

function background(c: Ctx, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // app.request() in tests has no execution context: let the work run on.
  }
}

export const logRoutes = new Hono<AppEnv>()
  .use('*', publicCors)
  .get('/checkpoint', async (c) => {
    const cp = await checkpointNow(c);
    const lines = await cosignatureLines(c.env.DB, cp.size);
    return c.body(cp.note + lines.join(''), 200, { ...TEXT, 'Cache-Control': 'no-cache' });
  })
  .get('/key', (c) => c.body(`${logKeys(c.env).vkey}\n`, 200, TEXT))
  .get('/vrf-key', (c) => {
    const { signer, vrfPublic } = logKeys(c.env);
    return c.body(signVrfKeyNote(vrfPublic, signer), 200, TEXT);
  })
  .get('/leaves', validate('query', z.strictObject({ start: Size, end: Size })), async (c) => {
    const { start, end } = c.req.valid('query');
    if (end <= start || end - start > MAX_LEAVES_PER_PAGE)
      throw new ApiError(400, 'invalid_range', `Ask for 1 to ${MAX_LEAVES_PER_PAGE} leaves, start < end.`);
    const cp = await checkpointNow(c);
    if (end > cp.size) throw outOfRange('end');
    const leaves = await leavesRange(c.env.DB, start, end);
    const body: LeavesResponse = { start, leaves: leaves.map(toBase64Url) };
    return c.json(body, 200, IMMUTABLE);
  })
  .get('/proof/inclusion', validate('query', z.strictObject({ index: Size, size: Size })), async (c) => {
    const { index, size } = c.req.valid('query');
    if (index >= size) throw new ApiError(400, 'invalid_range', 'index must be below size.');
    const cp = await checkpointNow(c);
    if (size > cp.size) throw outOfRange('size');
    const proof = await inclusionProof(c.env.DB, index, size);
    const body: InclusionProofResponse = { index, size, proof: proof.map(toBase64Url) };
    return c.json(body, 200, IMMUTABLE);
  })
  .get('/proof/consistency', validate('query', z.strictObject({ from: Size, to: Size })), async (c) => {
    const { from, to } = c.req.valid('query');
    if (from > to) throw new ApiError(400, 'invalid_range', 'from must not exceed to.');
    const cp = await checkpointNow(c);
    if (to > cp.size) throw outOfRange('to');
    const proof = await consistencyProof(c.env.DB, from, to);
    const body: ConsistencyProofResponse = { from, to, proof: proof.map(toBase64Url) };
    return c.json(body, 200, IMMUTABLE);
  })
  .get('/label', validate('query', z.strictObject({ address: Address })), async (c) => {
    const address = normalizeAddress(c.req.valid('query').address);
    await limitLookup(c.env, c.req.header('CF-Connecting-IP'));
    const { proof } = proveAddress(logKeys(c.env).vrfSecret, address);
    const body: LabelResponse = { address, vrfProof: toBase64Url(proof) };
    return c.json(body);
  });
