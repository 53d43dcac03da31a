// docs/api.md "Configuration": the relay's limits (RELAY_MAX_BYTES, RELAY_MAX_BYTES_VERIFIED,
// RELAY_HOURLY_LIMIT, RELAY_DAILY_LIMIT) fall back to their defaults when malformed, never to "no
// limit", and no setting lifts a size above what the mail service takes (25 MiB).

import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, HARD_MAX_BYTES, relayLimits } from '../src/relay/config.ts';

const MALFORMED = [
  '',
  ' ',
  '0',
  '-1',
  '-100',
  '1.5',
  'abc',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '9007199254740993',
  'null',
];

describe('relay limits from settings', () => {
  it('every malformed value falls back to the default', () => {
    for (const value of [undefined, ...MALFORMED]) {
      expect(
        relayLimits({
          RELAY_MAX_BYTES: value,
          RELAY_MAX_BYTES_VERIFIED: value,
          RELAY_HOURLY_LIMIT: value,
          RELAY_DAILY_LIMIT: value,
        } as Parameters<typeof relayLimits>[0]),
        String(value),
      ).toEqual(DEFAULT_LIMITS);
    }
  });

  it('a size above the mail service’s limit is capped at it; smaller limits are kept', () => {
    const limits = relayLimits({
      RELAY_MAX_BYTES: String(10 * HARD_MAX_BYTES),
      RELAY_MAX_BYTES_VERIFIED: String(Number.MAX_SAFE_INTEGER),
      RELAY_HOURLY_LIMIT: '7',
      RELAY_DAILY_LIMIT: '9',
    } as Parameters<typeof relayLimits>[0]);
    expect(limits).toEqual({
      maxBytes: HARD_MAX_BYTES,
      maxBytesVerified: HARD_MAX_BYTES,
      hourly: 7,
      daily: 9,
    });
  });
});
