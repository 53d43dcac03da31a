// The extension's side of key transparency (docs/spec/transparency-v1.md §9.1, §9.4): every
// directory answer's proof bundle is checked before its key is used; the log key is pinned per
// server (configured, or on first use), the VRF key comes only from the note that key signed; the
// last verified checkpoint is kept and every other one must be consistent with it. A failed check
// refuses the key (ExtensionError `transparency_failed`, logged); two histories are an alarm
// (`transparency_alarm`) kept with both signed checkpoints as evidence. State: Records
// (IndexedDB), one TransparencyRecord per server.

import { isApiClientError } from '../../shared/api/client.ts';
import type { KeyLookupResponse } from '../../shared/api/directory.ts';
import type { LogCalls } from '../../shared/api/transparency-client.ts';
import { equalBytes, fromBase64Url, toBase64Url } from '../../shared/encoding.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  checkpointExtends,
  cosignatureVerifier,
  ed25519NoteVerifier,
  type NoteVerifier,
  type OpenedCheckpoint,
  openCheckpoint,
  openpgpFingerprintBytes,
  parseProofBundle,
  verifyBundleLeaves,
  type WitnessPolicy,
} from '../../shared/transparency/index.ts';
import type { Records } from '../store/records.ts';
import type { TransparencyAlarm, TransparencyRecord } from '../store/schema.ts';
import { ExtensionError } from './errors.ts';

export interface TransparencyDeps {
  records: Records;
  /** The log's routes on a server (the one API client's `log` calls). */
  log: (serverUrl: string) => LogCalls;
  now?: () => number;
}

/** What a lookup served for an address, to be named by its bundle. */
export interface ServedKeys {
  address: string;
  /** Uppercase hex OpenPGP fingerprint. */
  openpgp: string;
  /** The envelope identity's fingerprint (binary), when one is served. */
  envelope?: Uint8Array;
}

/** What a JSON lookup for `address` served: its OpenPGP key and its envelope identity, if any. */
export function servedByLookup(
  address: string,
  found: Pick<KeyLookupResponse, 'fingerprint' | 'envelopeIdentity'>,
): ServedKeys {
  const id = found.envelopeIdentity;
  return {
    address: address.toLowerCase(),
    openpgp: found.fingerprint,
    ...(id
      ? {
          envelope: identityFingerprint({
            signingKey: fromBase64Url(id.signingKey),
            dhKey: fromBase64Url(id.dhKey),
          }),
        }
      : {}),
  };
}

export interface LoggedAnswer {
  /** When the directory logged the served OpenPGP key (the leaf's time, Unix ms). */
  keyLoggedAt: number;
  envelopeLoggedAt: number | null;
}

export interface TrustedServer {
  logKey: NoteVerifier;
  vrfKey: Uint8Array;
  policy: WitnessPolicy | undefined;
}

export function emptyTransparencyRecord(serverUrl: string): TransparencyRecord {
  return {
    kind: 'transparency',
    serverUrl,
    logKey: null,
    witnessKey: null,
    vrfKey: null,
    checkpoint: null,
    watch: null,
    alarms: [],
  };
}

// Read-modify-write of a server's record, one at a time per database (lookups run in parallel).
const queues = new WeakMap<Records, Map<string, Promise<unknown>>>();

function serialized<T>(records: Records, serverUrl: string, fn: () => Promise<T>): Promise<T> {
  const perServer = queues.get(records) ?? new Map<string, Promise<unknown>>();
  queues.set(records, perServer);
  const run = (perServer.get(serverUrl) ?? Promise.resolve()).then(fn, fn);
  perServer.set(
    serverUrl,
    run.catch(() => {}),
  );
  return run;
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message.replace(/^transparency: /, '') : 'unknown');

export function createTransparency(deps: TransparencyDeps) {
  const { records } = deps;
  const now = deps.now ?? Date.now;

  const load = async (serverUrl: string) =>
    (await records.transparency(serverUrl)) ?? emptyTransparencyRecord(serverUrl);

  /** Runs `fn` on the server's record under its lock; the record it returns is stored. */
  function update<T>(
    serverUrl: string,
    fn: (r: TransparencyRecord) => Promise<{ record: TransparencyRecord; value: T }>,
  ): Promise<T> {
    return serialized(records, serverUrl, async () => {
      const before = await load(serverUrl);
      const { record, value } = await fn(before);
      if (record !== before) await records.putTransparency(record);
      return value;
    });
  }

  async function refuse(address: string, reason: string): Promise<never> {
    await records.log('transparency_refused', `${address}: ${reason}`);
    throw new ExtensionError(
      'transparency_failed',
      `The key directory's answer for ${address} failed its transparency check (${reason}). Its key is not used.`,
    );
  }

  const sameAlarm = (a: TransparencyAlarm, b: TransparencyAlarm) =>
    a.kind === b.kind && a.evidence.join() === b.evidence.join();

  /** Under the record's lock: keeps an alarm once (same evidence, same alarm), logs it, throws it. */
  async function raise(r: TransparencyRecord, alarm: TransparencyAlarm): Promise<never> {
    if (!r.alarms.some((a) => sameAlarm(a, alarm))) {
      await records.putTransparency({ ...r, alarms: [...r.alarms, alarm] });
      await records.log('transparency_alarm', alarm.detail);
    }
    throw new ExtensionError('transparency_alarm', `Key transparency alarm: ${alarm.detail}`);
  }

  /** Keeps an alarm once and logs it (self-monitoring's findings), without throwing. */
  function recordAlarm(serverUrl: string, alarm: TransparencyAlarm): Promise<void> {
    return update(serverUrl, async (r) => {
      if (r.alarms.some((a) => sameAlarm(a, alarm))) return { record: r, value: undefined };
      await records.log('transparency_alarm', alarm.detail);
      return { record: { ...r, alarms: [...r.alarms, alarm] }, value: undefined };
    });
  }

  /** §9.4: the pinned log key (the served one on first use), the VRF key from its signed note. */
  function trust(serverUrl: string): Promise<TrustedServer> {
    return update(serverUrl, async (r) => {
      let record = r;
      const log = deps.log(serverUrl);
      if (!record.logKey) {
        const vkey = await log.key();
        ed25519NoteVerifier(vkey); // refuses a malformed key before it is pinned
        record = { ...record, logKey: { vkey, source: 'first_use', pinnedAt: now() } };
        await records.log('transparency_log_pinned', `${serverUrl}: ${vkey} (first use)`);
      }
      const logKey = ed25519NoteVerifier(record.logKey!.vkey);
      if (!record.vrfKey) record = { ...record, vrfKey: toBase64Url(await log.vrfKey(logKey)) };
      const policy = record.witnessKey
        ? { witnesses: [cosignatureVerifier(record.witnessKey)], required: 1 }
        : undefined;
      return { record, value: { logKey, vrfKey: fromBase64Url(record.vrfKey!), policy } };
    });
  }

  /**
   * §9.1 step 2: a verified checkpoint against the one held. Newer: its consistency proof (the
   * bundle's, or fetched) and it becomes the held one; equal: the same root; older: a proof from
   * it up to the held one. Anything else is the alarm, with both signed checkpoints.
   */
  function accept(
    serverUrl: string,
    note: string,
    cp: OpenedCheckpoint,
    given?: { from: number; proof: string[] },
  ): Promise<void> {
    return update(serverUrl, async (r) => {
      const held = r.checkpoint;
      const mine = { note, size: cp.size, root: toBase64Url(cp.root), at: now() };
      if (!held) return { record: { ...r, checkpoint: mine }, value: undefined };
      const heldCp = { size: held.size, root: fromBase64Url(held.root) };
      const alarm = (why: string) =>
        raise(r, {
          kind: 'inconsistent_checkpoint',
          at: now(),
          detail: `${serverUrl}: the log's checkpoint of size ${cp.size} ${why} the one of size ${held.size} seen before`,
          evidence: [held.note, note],
        });
      if (cp.size === held.size) {
        if (!equalBytes(cp.root, heldCp.root)) await alarm('has another root than');
        return { record: r, value: undefined };
      }
      const [from, to] = cp.size > held.size ? [heldCp, cp] : [cp, heldCp];
      let proof: Uint8Array[];
      if (given && given.from === from.size && to === cp) proof = given.proof.map(fromBase64Url);
      else {
        try {
          proof = await deps.log(serverUrl).consistencyProof(from.size, to.size);
        } catch (e) {
          // A log that will not prove up to a size it signed has disowned that checkpoint.
          if (isApiClientError(e) && e.code === 'out_of_range')
            return alarm('cannot be proven consistent with');
          throw new ExtensionError(
            'transparency_failed',
            'The log could not be asked for a consistency proof.',
          );
        }
      }
      if (!checkpointExtends(from, to, proof)) await alarm('is not consistent with');
      return { record: cp.size > held.size ? { ...r, checkpoint: mine } : r, value: undefined };
    });
  }

  /**
   * §9.1: the proof bundle of an answer for exactly what it served. Throws ExtensionError
   * `transparency_failed` (the key must not be used) or `transparency_alarm`.
   */
  async function verifyAnswer(
    serverUrl: string,
    served: ServedKeys,
    bundleJson: unknown,
  ): Promise<LoggedAnswer> {
    const { address } = served;
    if (bundleJson === undefined) return refuse(address, 'the directory sent no proof');
    let trusted: TrustedServer;
    try {
      trusted = await trust(serverUrl);
    } catch (e) {
      return refuse(address, `the log's keys could not be checked: ${reasonOf(e)}`);
    }
    let bundle: ReturnType<typeof parseProofBundle>;
    let cp: OpenedCheckpoint;
    try {
      bundle = parseProofBundle(bundleJson);
      cp = openCheckpoint(bundle.checkpoint, trusted.logKey, trusted.policy);
    } catch (e) {
      return refuse(address, reasonOf(e));
    }
    await accept(serverUrl, bundle.checkpoint, cp, bundle.consistency);
    try {
      const keys = { address, openpgp: openpgpFingerprintBytes(served.openpgp), envelope: served.envelope };
      const verified = verifyBundleLeaves(bundle, cp, keys, trusted.vrfKey);
      return { keyLoggedAt: verified.key.leaf.time, envelopeLoggedAt: verified.envelope?.leaf.time ?? null };
    } catch (e) {
      return refuse(address, reasonOf(e));
    }
  }

  return { load, update, trust, accept, recordAlarm, refuse, verifyAnswer };
}

export type Transparency = ReturnType<typeof createTransparency>;
