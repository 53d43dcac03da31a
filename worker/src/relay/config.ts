// The relay's settings (docs/api.md, "Configuration"): who may send as which domain, the size
// limits of Cloudflare's mail service, and the per-account delivery limits. Every number has a
// safe default; a malformed setting falls back to the default, never to "no limit".

import { domainOf, normalizeAddress, normalizeDomain } from '../../../shared/address.ts';
import type { Bindings } from '../env.ts';

type RelayEnv = Pick<
  Bindings,
  | 'SERVICE_DOMAIN'
  | 'RELAY_SENDING_DOMAINS'
  | 'RELAY_VERIFIED_DESTINATIONS'
  | 'RELAY_MAX_BYTES'
  | 'RELAY_MAX_BYTES_VERIFIED'
  | 'RELAY_HOURLY_LIMIT'
  | 'RELAY_DAILY_LIMIT'
>;

const MiB = 1024 * 1024;

/**
 * Cloudflare Email Service: 5 MiB per message to arbitrary recipients, 25 MiB to verified
 * destinations; at most 50 recipients a message (README, "Deploy the Worker").
 */
export const DEFAULT_LIMITS = {
  maxBytes: 5 * MiB,
  maxBytesVerified: 25 * MiB,
  hourly: 100,
  daily: 500,
} as const;

/** The largest message any configuration lets through; the request body is capped near it. */
export const HARD_MAX_BYTES = 25 * MiB;

function positive(text: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  return text && Number.isSafeInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map(normalizeAddress).filter(Boolean);
}

export function relayLimits(
  env: Pick<
    RelayEnv,
    'RELAY_MAX_BYTES' | 'RELAY_MAX_BYTES_VERIFIED' | 'RELAY_HOURLY_LIMIT' | 'RELAY_DAILY_LIMIT'
  >,
) {
  return {
    maxBytes: positive(env.RELAY_MAX_BYTES, DEFAULT_LIMITS.maxBytes, HARD_MAX_BYTES),
    maxBytesVerified: positive(env.RELAY_MAX_BYTES_VERIFIED, DEFAULT_LIMITS.maxBytesVerified, HARD_MAX_BYTES),
    hourly: positive(env.RELAY_HOURLY_LIMIT, DEFAULT_LIMITS.hourly),
    daily: positive(env.RELAY_DAILY_LIMIT, DEFAULT_LIMITS.daily),
  };
}

/** Domains the mail service sends for: the service domain and the onboarded ones. */
export function sendingDomains(env: RelayEnv): Set<string> {
  return new Set([normalizeDomain(env.SERVICE_DOMAIN), ...list(env.RELAY_SENDING_DOMAINS)]);
}

/** Whether every recipient is a verified destination (the 25 MiB limit applies then). */
function allVerifiedDestinations(env: RelayEnv, recipients: readonly string[]): boolean {
  const verified = list(env.RELAY_VERIFIED_DESTINATIONS);
  if (verified.length === 0) return false;
  return recipients.every((r) => {
    const address = normalizeAddress(r);
    return verified.includes(address) || verified.includes(`@${domainOf(address)}`);
  });
}

export function sizeLimit(env: RelayEnv, recipients: readonly string[]): number {
  const limits = relayLimits(env);
  return allVerifiedDestinations(env, recipients) ? limits.maxBytesVerified : limits.maxBytes;
}
