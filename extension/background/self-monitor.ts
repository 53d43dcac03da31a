// Self-monitoring (docs/spec/transparency-v1.md §9.2): the extension reads every log leaf since
// its last check, once a day at most (after unlock and from the hourly upkeep) or when asked,
// and alarms on any leaf for one of its account's addresses that binds a key or identity this
// account never called its own. The leaves must add up to a checkpoint consistent with the one
// held (transparency.ts accept), so a log that hides a leaf from the monitor is caught too.

import { downloadLeaves } from '../../shared/api/transparency-client.ts';
import { equalBytes, fromBase64Url, fromHex, toBase64, toBase64Url } from '../../shared/encoding.ts';
import {
  FINGERPRINT_KIND,
  type FingerprintKind,
  LeafWatcher,
  openCheckpoint,
  openpgpFingerprintBytes,
  verifyAddressProof,
  type WatchFinding,
} from '../../shared/transparency/index.ts';
import { ExtensionError } from './errors.ts';
import type { Transparency } from './transparency.ts';

export const SELF_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Leaf pages fetched at once. */
const PARALLEL_PAGES = 4;

export interface OwnKeys {
  addresses: string[];
  /** Uppercase hex. */
  openpgp: string[];
  /** Uppercase hex envelope identity fingerprints. */
  envelope: string[];
}

export interface SelfCheck {
  /** False when the last check is less than a day old (and none was forced). */
  checked: boolean;
  /** Leaves read. */
  leaves: number;
  /** Foreign keys found now. */
  alarms: number;
}

const tagged = (own: OwnKeys) => [
  ...own.openpgp.map((f) => `openpgp:${f.toUpperCase()}`),
  ...own.envelope.map((f) => `envelope:${f.toUpperCase()}`),
];

function ownByKind(tags: string[]): Record<FingerprintKind, Uint8Array[]> {
  const hex = (prefix: string) => tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  return {
    [FINGERPRINT_KIND.openpgp]: hex('openpgp:').map(openpgpFingerprintBytes),
    [FINGERPRINT_KIND.envelope]: hex('envelope:').map(fromHex),
  };
}

function describe(f: WatchFinding): string {
  return `${f.address}: log leaf ${f.index} (${f.leaf.event}, ${new Date(f.leaf.time).toISOString()}) binds a key this account did not publish`;
}

export function createSelfMonitor(t: Transparency, now: () => number = Date.now) {
  /** Whether a check is due: never checked, or the last one is a day old. */
  async function due(serverUrl: string): Promise<boolean> {
    const watch = (await t.load(serverUrl)).watch;
    return !watch || now() - watch.checkedAt >= SELF_CHECK_INTERVAL_MS;
  }

  async function check(
    serverUrl: string,
    log: Parameters<typeof downloadLeaves>[0] & {
      label(address: string): Promise<Uint8Array>;
      checkpoint(): Promise<string>;
    },
    own: OwnKeys,
    opts: { force?: boolean } = {},
  ): Promise<SelfCheck> {
    if (!opts.force && !(await due(serverUrl))) return { checked: false, leaves: 0, alarms: 0 };
    const trusted = await t.trust(serverUrl);
    const labels = await Promise.all(
      own.addresses.map(async (address) => {
        const label = verifyAddressProof(trusted.vrfKey, address, await log.label(address));
        if (!label) await t.refuse(address, 'the VRF proof for the address fails');
        return { address, label: label! };
      }),
    );
    const note = await log.checkpoint();
    const cp = openCheckpoint(note, trusted.logKey, trusted.policy);
    await t.accept(serverUrl, note, cp);

    const record = await t.load(serverUrl);
    const tags = [...new Set([...(record.watch?.own ?? []), ...tagged(own)])];
    const from = record.watch?.size ?? 0;
    // An older checkpoint than the watch reached (a cached answer elsewhere): nothing new to read.
    if (cp.size < from) return { checked: false, leaves: 0, alarms: 0 };
    const mine = ownByKind(tags);
    const watcher = new LeafWatcher(
      from,
      (record.watch?.frontier ?? []).map(fromBase64Url),
      labels.map((l) => ({ ...l, own: mine })),
    );
    const found: { finding: WatchFinding; bytes: Uint8Array }[] = [];
    for await (const bytes of downloadLeaves(log, from, cp.size, PARALLEL_PAGES)) {
      const finding = watcher.push(bytes);
      if (finding?.foreign) found.push({ finding, bytes });
    }
    if (!equalBytes(watcher.root(), cp.root)) {
      const detail = `${serverUrl}: the log's leaves do not add up to its checkpoint of size ${cp.size}`;
      await t.recordAlarm(serverUrl, {
        kind: 'inconsistent_checkpoint',
        at: now(),
        detail,
        evidence: [note],
      });
      throw new ExtensionError('transparency_alarm', `Key transparency alarm: ${detail}`);
    }
    await t.update(serverUrl, async (r) => ({
      record: {
        ...r,
        watch: {
          size: watcher.size,
          frontier: watcher.frontier.nodes.map((n) => toBase64Url(n.hash)),
          checkedAt: now(),
          own: tags,
        },
      },
      value: undefined,
    }));
    for (const { finding, bytes } of found)
      await t.recordAlarm(serverUrl, {
        kind: 'foreign_key',
        at: now(),
        detail: describe(finding),
        evidence: [note, toBase64(bytes)],
      });
    return { checked: true, leaves: cp.size - from, alarms: found.length };
  }

  return { due, check };
}
