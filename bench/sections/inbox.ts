// Inbox bench. The edge part: what email() does to one arrival before it writes anything
// (postal-mime parse, Cloudflare verdicts, summary, sealing body and summary to the inbox key
// with openpgp.js; worker/src/inbound/seal-arrival.ts) against a bare postal-mime parse of the
// same mail, for a 100 KB and a 1 MB message (text plus a base64 attachment). Node runs the same
// V8 as workerd; CPU is process.cpuUsage (every thread) around each run, wall is
// performance.now. Medians of 15 runs after 3 warm-ups, one operation at a time.
// Goals: parse+seal ≤ 3× the bare parse; ≤ 10 ms CPU for 100 KB. The extension part
// (bench/inbox-client.ts): first open against re-open of the same 1 MB mail (goal ≥ 10×), and a
// list page plus local search over 10,000 messages (goal ≤ 100 ms).

import PostalMime from 'postal-mime';
import { generateKey } from '../../shared/pgp/index.ts';
import { parseArrival, sealArrival } from '../../worker/src/inbound/seal-arrival.ts';
import { measureInboxInChromium } from '../inbox-chromium.ts';
import { inboxRows, measureInbox } from '../inbox-client.ts';

const RUNS = 15;
const WARMUP = 3;

function mail(size: number): Uint8Array {
  const text = 'Hello Alice, here are the figures for the quarter. '.repeat(40);
  const attachmentBytes = Math.max(0, Math.floor(((size - text.length - 1200) * 3) / 4));
  const payload = new Uint8Array(attachmentBytes);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131 + 7) & 0xff;
  const b64 = (
    Buffer.from(payload)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
  return new TextEncoder().encode(
    [
      'Authentication-Results: mx.cloudflare.net; dkim=pass header.d=example.org; dmarc=pass header.from=example.org; spf=pass smtp.mailfrom=dave@example.org',
      'From: Dave <dave@example.org>',
      'To: alice@noise.localhost',
      'Subject: Quarterly figures',
      'Date: Mon, 07 Dec 2026 10:00:00 +0000',
      'Message-ID: <bench@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '--b',
      'Content-Type: application/octet-stream; name="figures.bin"',
      'Content-Disposition: attachment; filename="figures.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b--',
      '',
    ].join('\r\n'),
  );
}

interface Timing {
  wall: number;
  cpu: number;
}

async function measure(op: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await op();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await op();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

export default async function run(): Promise<string> {
  const { publicKey } = await generateKey({
    userIds: [{ email: 'alice@noise.localhost' }],
    passphrase: 'bench passphrase',
  });
  const rows: string[] = [];
  for (const [label, size] of [
    ['100 KB', 100 * 1024],
    ['1 MB', 1024 * 1024],
  ] as const) {
    const raw = mail(size);
    const bare = await measure(() => PostalMime.parse(raw));
    const edge = await measure(async () => sealArrival(raw, await parseArrival(raw), publicKey));
    rows.push(
      `| ${label} (${raw.length} B) | ${bare.wall.toFixed(1)} / ${bare.cpu.toFixed(1)} | ${edge.wall.toFixed(1)} / ${edge.cpu.toFixed(1)} | ${(edge.cpu / bare.cpu).toFixed(2)}× |`,
    );
  }
  return [
    'Edge work per arrival (ms, median of 15; wall / CPU):',
    '',
    '| mail | bare postal-mime parse | parse + verdicts + summary + seal (email()) | CPU ratio |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Goals: ratio ≤ 3×; ≤ 10 ms CPU for 100 KB. Sealing is openpgp.js to a v4 ECC key (cv25519), SEIPDv1, no compression.',
    '',
    'The same 1 MB mail opened in the extension (ms, median of 9): the first open of an arrival (OpenPGP to the directory key: the private key, then openpgp.js AES-CFB + MDC) against a re-open (mailbox-v1 under the inbox key: WebCrypto AES-256-GCM), the stored summary and body alone; then with the reader on top; the first open also re-seals both objects. A list page is 50 summaries under the inbox key opened and decoded; the search is the slowest of five queries over 10,000 opened messages in MiniSearch; the index is built once per unlock.',
    '',
    '| where | first open | re-open | ratio | with the reader: first / re-open | re-seal | list page + search | index build |',
    '|---|---|---|---|---|---|---|---|',
    ...inboxRows('Node 22', await measureInbox(mail(1024 * 1024))),
    ...inboxRows('Chromium (headless)', await measureInboxInChromium(mail(1024 * 1024))),
    '',
    'Goals: re-open ≥ 10× faster than the first open; list + search ≤ 100 ms.',
  ].join('\n');
}
