// An answer and its proof bundle that agree (docs/spec/transparency-v1.md §8): the bundle is
// attached only when its leaves name exactly the fingerprints the answer serves. A change not yet
// in a checkpoint is waited for (a new checkpoint once the interval allows, with the witnesses
// asked before the answer goes out); a change that raced the read is read again. An answer the
// log still does not name goes out without a bundle, which clients refuse (§9.1 step 5).

import type { ProofBundle } from '../../../shared/api/transparency.ts';
import { identityFingerprint } from '../../../shared/envelope/identity.ts';
import { openpgpFingerprintBytes } from '../../../shared/transparency/index.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import type { LogEnv } from './log-keys.ts';
import { proofBundleFor, type ServedFingerprints } from './proof-bundle.ts';
import { checkpointWhenAllowed } from './sequencer.ts';
import { testSwitchOn } from './test-switch.ts';
import { requestCosignatures } from './witnesses.ts';

type ServedProofEnv = LogEnv & Pick<Bindings, 'DB' | 'LOG_WITNESSES' | 'TRANSPARENCY_TEST_SWITCH'>;

/** Reads of the answer and waits for a checkpoint, at most, before giving up on a bundle. */
const ATTEMPTS = 4;

export interface Served<T> {
  value: T;
  served: ServedFingerprints;
}

/** The binary fingerprints of what an answer serves: the OpenPGP key and the identity, if any. */
export function servedFingerprints(
  openpgpHex: string,
  identity: { signingKey: Uint8Array; dhKey: Uint8Array } | null,
): ServedFingerprints {
  return {
    openpgp: openpgpFingerprintBytes(openpgpHex),
    envelope: identity ? identityFingerprint(identity) : null,
  };
}

/**
 * `read` produces the answer (null: not found). With `reread` false (a prekey bundle spends a
 * one-time prekey on each read) a raced change is not read again. `missing` says the log did not
 * name the answer: it must not be cached, so the next lookup tries again.
 */
export async function withProof<T>(
  env: ServedProofEnv,
  address: string,
  read: () => Promise<Served<T> | null>,
  opts: { reread: boolean; knownSize?: number },
): Promise<{ value: T; bundle: ProofBundle | null; missing: boolean } | null> {
  let answer = await read();
  if (!answer) return null;
  if (testSwitchOn(env, 'no-lookup-proofs')) return { value: answer.value, bundle: null, missing: false };
  for (let attempt = 1; ; attempt++) {
    let proof: Awaited<ReturnType<typeof proofBundleFor>>;
    try {
      proof = await proofBundleFor(env, address, opts.knownSize, answer.served);
    } catch (e) {
      // A log without keys (production not configured): the answer still goes out, unproven
      // (public lookups keep answering, docs/api.md), and clients refuse it.
      if (e instanceof ApiError && e.code === 'log_unavailable') break;
      throw e;
    }
    if (proof?.bundle && proof.names) return { value: answer.value, bundle: proof.bundle, missing: false };
    if (attempt >= ATTEMPTS) break;
    if (proof?.pending) {
      const { checkpoint, signed } = await checkpointWhenAllowed(env);
      if (signed) await requestCosignatures(env, checkpoint);
    } else if (opts.reread) {
      answer = await read();
      if (!answer) return null;
    } else break;
  }
  console.error('transparency: no proof names what is served for an address');
  return { value: answer.value, bundle: null, missing: true };
}
