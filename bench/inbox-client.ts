// Inbox bench, the extension part (bench/sections/inbox.ts runs it beside the edge part): the
// same 1 MB arrival opened the first time (the directory key's OpenPGP seal as the Worker made it:
// asymmetric, then openpgp.js's AES-CFB and MDC) and re-opened (mailbox-v1: AES-256-GCM through
// WebCrypto under the inbox key), as stored objects alone and with the reader on top; and a list
// page plus a local search over 10,000 messages. `measureInbox` is plain code: the section runs it
// in Node and, bundled, in headless Chromium, where openpgp.js has no native AES-CFB to lean on
// and the numbers are the ones a user meets.

import { currentInboxKey, newInboxKeyring } from '../extension/background/inbox/keyring.ts';
import { indexed, newSearchIndex, searchIn } from '../extension/background/inbox/search-index.ts';
import type { SearchDoc } from '../extension/background/inbox/search-store.ts';
import {
  openStored,
  type StoredKeySource,
  sealMessage,
} from '../extension/background/inbox/stored-objects.ts';
import { toBase64Url, utf8 } from '../shared/encoding.ts';
import {
  decodeSummary,
  encodeSummary,
  KIND_BODY,
  KIND_SUMMARY,
  type Summary,
} from '../shared/mailbox/index.ts';
import { encryptMessage, generateKey, unlockPrivateKey } from '../shared/pgp/index.ts';
import { readMessage } from '../shared/reader/index.ts';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

async function median(runs: number, op: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 2; i++) await op();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await op();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

function summaryOf(i: number): Summary {
  return {
    v: 1,
    from: { name: `Sender ${i % 97}`, address: `sender${i % 97}@example.org` },
    to: [{ address: 'alice@noise.localhost' }],
    subject: `Report ${i} on the quarterly figures`,
    date: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
    messageId: `<${i}@example.org>`,
    snippet: 'Hello Alice, here are the figures for the quarter, as promised last week.',
    attachments: [],
    encryption: 'none',
  };
}

const WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(
    ' ',
  );

function searchDoc(i: number): SearchDoc {
  const text: string[] = [];
  for (let w = 0; w < 300; w++) text.push(WORDS[(i * 7 + w * 13) % WORDS.length]!);
  return {
    address: 'alice@noise.localhost',
    id: `${String(i).padStart(8, '0')}AAAAAAAAAAAAAA`,
    from: `Sender ${i % 97} <sender${i % 97}@example.org>`,
    subject: `Report ${i} on the quarterly figures`,
    date: 1_700_000_000_000 + i * 60_000,
    text: `${text.join(' ')} unique${i}`,
  };
}

export interface InboxTimes {
  /** Stored objects (summary + body) of the arrival, private key unlocked and kept. */
  first: number;
  /** The same after an unlock: the private key opened first (the background keeps it after). */
  firstCold: number;
  again: number;
  firstRead: number;
  againRead: number;
  reseal: number;
  list: number;
  search: number;
  worstSearch: number;
  indexBuild: number;
}

export async function measureInbox(raw: Uint8Array): Promise<InboxTimes> {
  // A vault key: 256 random bits of passphrase, the fewest S2K iterations (account.ts).
  const made = await generateKey({
    userIds: [{ email: 'alice@noise.localhost' }],
    passphrase: 'a random 256-bit passphrase stand-in',
    passphraseIsRandom: true,
  });
  const privateKey = await unlockPrivateKey(made.privateKey, 'a random 256-bit passphrase stand-in');
  const ring = newInboxKeyring();
  const keys: StoredKeySource = {
    ring: async () => ring,
    refreshRing: async () => ring,
    privateKey: async () => privateKey,
  };
  const summary = encodeSummary(summaryOf(1));
  // The Worker's arrival seal (worker/src/inbound/edge-seal.ts): binary OpenPGP, unsigned.
  const seal = (data: Uint8Array, filename: string) =>
    encryptMessage(data, { recipients: [made.publicKey], sign: false, armor: false, filename });
  const arrival = { body: await seal(raw, 'message.eml'), summary: await seal(summary, 'summary.json') };
  const resealed = await sealMessage(currentInboxKey(ring), ID, { summary, body: raw });
  const openArrival = async (k = keys) => {
    await openStored(KIND_SUMMARY, ID, 'pgp', arrival.summary, k);
    return openStored(KIND_BODY, ID, 'pgp', arrival.body, k);
  };
  const openResealed = async () => {
    await openStored(KIND_SUMMARY, ID, 'inbox-v1', resealed.summary, keys);
    return openStored(KIND_BODY, ID, 'inbox-v1', resealed.body, keys);
  };
  const cold: StoredKeySource = {
    ...keys,
    privateKey: () => unlockPrivateKey(made.privateKey, 'a random 256-bit passphrase stand-in'),
  };
  const reader = { decryptionKeys: async () => [privateKey], verificationKeys: [] };
  const first = await median(9, () => openArrival());
  const firstCold = await median(9, () => openArrival(cold));
  const again = await median(9, openResealed);
  const firstRead = await median(9, async () => readMessage(await openArrival(), reader));
  const againRead = await median(9, async () => readMessage(await openResealed(), reader));
  const reseal = await median(9, () => sealMessage(currentInboxKey(ring), ID, { summary, body: raw }));

  // A list page: 50 summaries under the inbox key opened and decoded.
  const pageIds = Array.from({ length: 50 }, (_, i) => toBase64Url(utf8(String(i).padStart(16, '0'))));
  const page = await Promise.all(
    pageIds.map(async (id, i) => {
      const s = encodeSummary(summaryOf(i));
      return (await sealMessage(currentInboxKey(ring), id, { summary: s, body: s })).summary;
    }),
  );
  const list = await median(9, () =>
    Promise.all(
      page.map(async (s, i) =>
        decodeSummary(await openStored(KIND_SUMMARY, pageIds[i]!, 'inbox-v1', s, keys)),
      ),
    ),
  );
  // The search over 10,000 opened messages (300 words of text each).
  const index = newSearchIndex();
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) index.add(indexed(searchDoc(i)));
  const indexBuild = performance.now() - t0;
  const queries = ['quarterly', 'sender 42', 'unique9876', 'foxtrt', 'report 5000 kilo'];
  let q = 0;
  const search = await median(15, () => searchIn(index, queries[q++ % queries.length]!, 50));
  let worstSearch = 0;
  for (const x of queries) worstSearch = Math.max(worstSearch, await median(5, () => searchIn(index, x, 50)));
  return { first, firstCold, again, firstRead, againRead, reseal, list, search, worstSearch, indexBuild };
}

/** The table rows of one run (`where`: Node or Chromium). */
export function inboxRows(where: string, t: InboxTimes): string[] {
  const f = (n: number) => n.toFixed(1);
  return [
    `| ${where} | ${f(t.first)} (${f(t.firstCold)} after an unlock) | ${f(t.again)} | ${f(t.first / t.again)}× (${f(t.firstCold / t.again)}×) | ${f(t.firstRead)} / ${f(t.againRead)} | ${f(t.reseal)} | ${f(t.list)} + ${f(t.worstSearch)} = ${f(t.list + t.worstSearch)} | ${t.indexBuild.toFixed(0)} |`,
  ];
}
