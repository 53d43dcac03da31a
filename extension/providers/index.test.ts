// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../e2e/fixtures/providers/load.ts';
import { selectAdapter } from './index.ts';

describe('selectAdapter', () => {
  it.each([
    ['gmail-compose.html', 'gmail'],
    ['gmail-compose-legacy.html', 'gmail'],
    ['gmail-thread.html', 'gmail'],
    ['outlook-compose.html', 'outlook'],
    ['outlook-compose-fr.html', 'outlook'],
    ['outlook-reading.html', 'outlook'],
    ['yahoo-compose.html', 'yahoo'],
    ['yahoo-message.html', 'yahoo'],
    ['generic.html', 'generic'],
  ])('%s → %s', (fixture, expected) => {
    loadFixture(fixture);
    expect(selectAdapter({ hostname: '127.0.0.1' }, document).name).toBe(expected);
  });

  it('trusts the host name of the real providers', () => {
    loadFixture('generic.html');
    expect(selectAdapter({ hostname: 'mail.google.com' }, document).name).toBe('gmail');
    expect(selectAdapter({ hostname: 'outlook.office.com' }, document).name).toBe('outlook');
    expect(selectAdapter({ hostname: 'mail.yahoo.com' }, document).name).toBe('yahoo');
  });
});
