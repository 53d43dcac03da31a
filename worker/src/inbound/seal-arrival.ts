// The edge work on one arrival, in memory and nothing else: parse with postal-mime, read
// Cloudflare's verdicts, build the summary, and seal body and summary to the inbox's key. What
// leaves this function is ciphertext plus the verdicts and the Message-ID for dedupe.

import PostalMime, { type Email } from 'postal-mime';
import { type AuthVerdicts, cloudflareVerdicts, UNKNOWN_VERDICTS } from './auth-results.ts';
import { BODY_FILENAME, SUMMARY_FILENAME, sealToKey } from './edge-seal.ts';
import { emptySummary, encodeFittedSummary, summaryOf } from './summary-of.ts';

interface ParsedArrival {
  email: Email | null;
  verdicts: AuthVerdicts;
  messageId: string | undefined;
}

export async function parseArrival(raw: Uint8Array): Promise<ParsedArrival> {
  let email: Email | null;
  try {
    email = await PostalMime.parse(raw);
  } catch {
    // Broken MIME is still mail: stored sealed as it came, with an empty summary.
    email = null;
  }
  const fromAddress = email?.from && !email.from.group ? email.from.address : undefined;
  return {
    email,
    verdicts: email ? cloudflareVerdicts(email.headers, fromAddress) : UNKNOWN_VERDICTS,
    messageId: email?.messageId,
  };
}

export async function sealArrival(
  raw: Uint8Array,
  parsed: ParsedArrival,
  armoredKey: string,
): Promise<{ body: Uint8Array; summary: Uint8Array }> {
  const summaryPlain = encodeFittedSummary(
    parsed.email ? summaryOf(parsed.email, parsed.verdicts) : emptySummary(),
  );
  try {
    const [body, summary] = await Promise.all([
      sealToKey(armoredKey, raw, BODY_FILENAME),
      sealToKey(armoredKey, summaryPlain, SUMMARY_FILENAME),
    ]);
    return { body, summary };
  } finally {
    summaryPlain.fill(0);
  }
}
