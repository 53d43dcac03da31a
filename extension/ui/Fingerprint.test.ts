import { describe, expect, it } from 'vitest';
import { fingerprintGroups } from './Fingerprint.tsx';

describe('fingerprint groups', () => {
  it('splits into groups of four as gpg prints them, a shorter last group kept', () => {
    expect(fingerprintGroups('7089366211AB1DDD7089366211AB1DDD7089ABCD')).toEqual([
      '7089',
      '3662',
      '11AB',
      '1DDD',
      '7089',
      '3662',
      '11AB',
      '1DDD',
      '7089',
      'ABCD',
    ]);
    expect(fingerprintGroups('ABCDEF')).toEqual(['ABCD', 'EF']);
    expect(fingerprintGroups('')).toEqual([]);
  });
});
