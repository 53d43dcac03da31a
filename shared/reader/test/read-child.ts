// One read in its own process, so its peak memory is its own (VmHWM, see peakKiB below).
//   tsx shared/reader/test/read-child.ts KEYS.json MAIL
// KEYS.json: { "decryption": [armored unlocked private keys], "verification": [armored keys] }.
// Prints one JSON line: { ms, baselineKiB, peakKiB, outcome: class | error code, parts, bytes }.

import { readFile } from 'node:fs/promises';
import { readPrivateKey } from 'openpgp';
import { isNoiseError } from '../../errors.ts';
import { readMessage } from '../read-message.ts';
import { verdictClass } from '../verdict-class.ts';

const [keysPath, mailPath] = process.argv.slice(2);
const given = JSON.parse(await readFile(keysPath!, 'utf8')) as {
  decryption: string[];
  verification: string[];
};
const decryptionKeys = await Promise.all(
  given.decryption.map((armoredKey) => readPrivateKey({ armoredKey })),
);
globalThis.gc?.();
const baselineKiB = Math.round(process.memoryUsage().rss / 1024);
const started = performance.now();
let outcome: string;
let parts = 0;
let bytes = 0;
try {
  const file = await readFile(mailPath!);
  // A view, not a copy: the CLI reads its input the same way (cli/io.ts).
  const input = new Uint8Array(file.buffer, file.byteOffset, file.length);
  const r = await readMessage(input, { decryptionKeys, verificationKeys: given.verification });
  outcome = verdictClass(r.verdict);
  parts = r.parts.length;
  bytes =
    r.attachments.reduce((n, a) => n + a.data.length, 0) + r.parts.reduce((n, p) => n + p.text.length, 0);
} catch (e) {
  if (!isNoiseError(e)) throw e;
  outcome = `error:${e.code}`;
}
const ms = Math.round(performance.now() - started);
process.stdout.write(
  `${JSON.stringify({ ms, baselineKiB, peakKiB: await peakKiB(), outcome, parts, bytes })}\n`,
);

/**
 * This process's peak RSS. Linux's VmHWM is this program's own; getrusage's maxRSS (the
 * fallback) also counts the parent as it was when it forked this child, so a test runner that
 * had grown to 250 MiB made a 60 MiB read look like one of 250 MiB.
 */
async function peakKiB(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
}
