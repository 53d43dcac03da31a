// Authentication verdicts from Cloudflare's Authentication-Results header (RFC 8601). Email
// Routing checks SPF, DKIM and DMARC before the Worker runs and prepends its own header; headers
// the sender wrote sit below it. Only the first (topmost) header whose authserv-id is
// Cloudflare's counts; every other one is ignored. Cloudflare adds it best-effort, so "unknown"
// (no such header) is a real state the reader shows (docs/threat-model.md, inbound).

import type { Header } from 'postal-mime';
import { domainOf, normalizeDomain, parseAddress } from '../../../shared/address.ts';
import { AuthResult, type AuthVerdicts } from '../../../shared/api/inbox.ts';

const CLOUDFLARE_AUTHSERV_ID = 'mx.cloudflare.net';

export type { AuthVerdicts };

export const UNKNOWN_VERDICTS: AuthVerdicts = {
  spf: 'unknown',
  dkim: 'unknown',
  dmarc: 'unknown',
  aligned: false,
};

/** RFC 8601 §2.7 result values ('unknown' is ours: no verdict recorded). */
const RESULTS = new Set<string>(AuthResult.options.filter((r) => r !== 'unknown'));

/** RFC 8601 §2.2 allows CFWS comments anywhere; they carry no verdicts. Quoted strings stay. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

function splitOutsideQuotes(value: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '"') quoted = !quoted;
    else if (value[i] === sep && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

interface ResInfo {
  method: string;
  result: AuthResult;
  props: Map<string, string>;
}

/** RFC 8601 §2.2: authserv-id [version] ; resinfo ; resinfo … */
export function parseAuthenticationResults(value: string): { authservId: string; results: ResInfo[] } | null {
  const parts = splitOutsideQuotes(withoutComments(value), ';').map((p) => p.trim());
  const authservId = parts[0]?.split(/\s+/)[0]?.replace(/^"|"$/g, '').toLowerCase();
  if (!authservId) return null;
  const results: ResInfo[] = [];
  for (const part of parts.slice(1)) {
    const tokens = part.split(/\s+/).filter(Boolean);
    const head = tokens[0]?.match(/^([a-z0-9-]+)(?:\/\d+)?=([a-z]+)$/i);
    if (!head) continue;
    const method = head[1]!.toLowerCase();
    const raw = head[2]!.toLowerCase();
    const props = new Map<string, string>();
    for (const t of tokens.slice(1)) {
      const m = t.match(/^([a-z0-9-]+\.[a-z0-9-]+)=(.*)$/i);
      if (m) props.set(m[1]!.toLowerCase(), m[2]!.replace(/^"|"$/g, ''));
    }
    results.push({ method, result: RESULTS.has(raw) ? (raw as AuthResult) : 'unknown', props });
  }
  return { authservId, results };
}

/** The From address's domain; none when the From holds no address (docs/api.md, Addresses). */
function fromDomainOf(address: string | undefined): string | undefined {
  return address && parseAddress(address) ? domainOf(address) : undefined;
}

/** One verdict per method: any pass wins (several DKIM signatures are common), else the first. */
function verdictOf(results: ResInfo[], method: string): AuthResult {
  const mine = results.filter((r) => r.method === method);
  if (mine.some((r) => r.result === 'pass')) return 'pass';
  return mine[0]?.result ?? 'unknown';
}

/**
 * The verdicts Cloudflare recorded for this message, or UNKNOWN_VERDICTS when it recorded none.
 * `fromAddress` is the address of the message's From header.
 */
export function cloudflareVerdicts(
  headers: readonly Header[],
  fromAddress: string | undefined,
): AuthVerdicts {
  for (const h of headers) {
    if (h.key !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(h.value);
    if (parsed?.authservId !== CLOUDFLARE_AUTHSERV_ID) continue;
    const dmarc = verdictOf(parsed.results, 'dmarc');
    const dmarcPass = parsed.results.find((r) => r.method === 'dmarc' && r.result === 'pass');
    const fromDomain = fromDomainOf(fromAddress);
    const aligned =
      dmarc === 'pass' &&
      fromDomain !== undefined &&
      normalizeDomain(dmarcPass?.props.get('header.from') ?? '').replace(/\.$/, '') === fromDomain;
    return {
      spf: verdictOf(parsed.results, 'spf'),
      dkim: verdictOf(parsed.results, 'dkim'),
      dmarc,
      aligned,
    };
  }
  return UNKNOWN_VERDICTS;
}
