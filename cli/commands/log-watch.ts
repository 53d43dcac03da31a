// `noise log watch ADDR`: self-monitoring from the command line (docs/spec/transparency-v1.md
// §9.2). Verifies the address's VRF proof, then reads every leaf since the last run, checks that
// they extend the tree it saw (the frontier kept in --state must grow into the new checkpoint's
// root), and prints each leaf for the address. A leaf that binds a key which is not one of
// --fingerprint / --identity is an alarm: exit 4, and it stays in the state file.

import { normalizeAddress } from '../../shared/address.ts';
import { apiClient } from '../../shared/api/client.ts';
import { downloadLeaves, logClient } from '../../shared/api/transparency-client.ts';
import { equalBytes, fromBase64, fromBase64Url, fromHex, toBase64, toHex } from '../../shared/encoding.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  commitFingerprint,
  ed25519NoteVerifier,
  FINGERPRINT_KIND,
  type FingerprintKind,
  fingerprintKindOf,
  LeafWatcher,
  openCheckpoint,
  openpgpFingerprintBytes,
  verifyAddressProof,
} from '../../shared/transparency/index.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { toJson, writeStdout } from '../io.ts';
import { readState, writeState } from '../state-file.ts';
import { pinnedLogKey } from './log-verify.ts';

interface LogWatchArgs {
  address: string;
  directory: string;
  key: string | undefined;
  fingerprints: string[];
  identities: string[];
  state: string | undefined;
  once: boolean;
  intervalSeconds: number;
}

interface WatchState {
  logKey?: string;
  address?: string;
  size: number;
  frontier: string[];
  alarms: unknown[];
}

interface Named {
  hex: string;
  commitment: Uint8Array;
  owner: boolean;
}

export async function logWatch(a: LogWatchArgs): Promise<void> {
  const address = normalizeAddress(a.address);
  for (;;) {
    const alarms = await watchOnce(a, address);
    if (a.once) {
      if (alarms > 0)
        throw new CliError(EXIT.tampered, `${alarms} leaf(s) bind a key you did not list for ${address}`);
      return;
    }
    await new Promise((r) => setTimeout(r, a.intervalSeconds * 1000));
  }
}

async function watchOnce(a: LogWatchArgs, address: string): Promise<number> {
  const client = logClient({ baseUrl: a.directory });
  const state = await readState<WatchState>(a.state, { size: 0, frontier: [], alarms: [] });
  if (state.address && state.address !== address)
    throw new UsageError('the state file watches another address');
  const key = await pinnedLogKey(client, a.key, state.logKey);
  const logKey = ed25519NoteVerifier(key.vkey);
  const vrfKey = await client.vrfKey(logKey);
  const label = verifyAddressProof(vrfKey, address, await client.label(address));
  if (!label) throw new CliError(EXIT.tampered, 'the VRF proof for the address does not verify');
  const checkpoint = openCheckpoint(await client.checkpoint(), logKey);
  if (checkpoint.size < state.size)
    throw new CliError(EXIT.tampered, `the log shrank from ${state.size} to ${checkpoint.size} leaves`);

  const own = ownFingerprints(a);
  const named = await namedCommitments(a.directory, own, address, label.commitmentKey);
  const name = (kind: FingerprintKind, c: Uint8Array | null) =>
    c === null ? null : (named[kind].find((n) => equalBytes(n.commitment, c)) ?? null);

  const watcher = new LeafWatcher(state.size, state.frontier.map(fromBase64), [{ address, label, own }]);
  const out: string[] = [];
  const alarms: unknown[] = [];
  for await (const bytes of downloadLeaves(client, state.size, checkpoint.size, 4)) {
    const found = watcher.push(bytes);
    if (!found) continue;
    const { leaf, index, foreign } = found;
    const kind = fingerprintKindOf(leaf.event);
    const fp = name(kind, leaf.fingerprint);
    const prev = name(kind, leaf.previous);
    const line = {
      index,
      time: new Date(leaf.time).toISOString(),
      event: leaf.event,
      fingerprint: leaf.fingerprint === null ? null : (fp?.hex ?? 'unknown'),
      previous: leaf.previous === null ? null : (prev?.hex ?? 'unknown'),
      alarm: foreign,
    };
    if (foreign) alarms.push(line);
    out.push(toJson(line));
  }
  if (!equalBytes(watcher.root(), checkpoint.root))
    throw new CliError(
      EXIT.tampered,
      'the leaves do not add up to the checkpoint: the log is not the one seen before',
    );
  await writeState(a.state, {
    logKey: key.vkey,
    address,
    size: watcher.size,
    frontier: watcher.frontier.nodes.map((n) => toBase64(n.hash)),
    alarms: [...state.alarms, ...alarms],
  });
  out.push(toJson({ address, size: checkpoint.size, logKeySource: key.source, alarms: alarms.length }));
  await writeStdout(`${out.join('\n')}\n`);
  return alarms.length;
}

/** --fingerprint and --identity, as binary fingerprints by kind. */
function ownFingerprints(a: LogWatchArgs): Record<FingerprintKind, Uint8Array[]> {
  const identities = a.identities.map((f) => {
    if (!/^[0-9A-Fa-f]{64}$/.test(f))
      throw new UsageError('--identity takes a 64-digit envelope identity fingerprint');
    return fromHex(f);
  });
  return {
    [FINGERPRINT_KIND.openpgp]: a.fingerprints.map((f) => openpgpFingerprintBytes(f.replace(/\s+/g, ''))),
    [FINGERPRINT_KIND.envelope]: identities,
  };
}

/** The fingerprints the watcher can name: the owner's own, and what the directory serves now. */
async function namedCommitments(
  directory: string,
  own: Record<FingerprintKind, Uint8Array[]>,
  address: string,
  ck: Uint8Array,
): Promise<Record<FingerprintKind, Named[]>> {
  const named: Record<FingerprintKind, Named[]> = {
    [FINGERPRINT_KIND.openpgp]: [],
    [FINGERPRINT_KIND.envelope]: [],
  };
  const add = (kind: FingerprintKind, bytes: Uint8Array, owner: boolean) =>
    named[kind].push({
      hex: toHex(bytes).toUpperCase(),
      commitment: commitFingerprint(ck, kind, bytes),
      owner,
    });
  for (const kind of [FINGERPRINT_KIND.openpgp, FINGERPRINT_KIND.envelope] as const)
    for (const fp of own[kind]) add(kind, fp, true);
  const served = await apiClient({ baseUrl: directory })
    .directory.lookupByEmail(address)
    .catch(() => null);
  if (served) {
    add(FINGERPRINT_KIND.openpgp, openpgpFingerprintBytes(served.fingerprint), false);
    const id = served.envelopeIdentity;
    if (id)
      add(
        FINGERPRINT_KIND.envelope,
        identityFingerprint({ signingKey: fromBase64Url(id.signingKey), dhKey: fromBase64Url(id.dhKey) }),
        false,
      );
  }
  return named;
}
