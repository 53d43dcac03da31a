// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../e2e/fixtures/providers/load.ts';
import { yahoo } from './yahoo.ts';

describe('yahoo', () => {
  it('reads compose pills, typed addresses and the subject', () => {
    loadFixture('yahoo-compose.html');
    const [c, ...rest] = yahoo.findComposers(document);
    expect(rest).toEqual([]);
    expect(c!.body.getAttribute('data-test-id')).toBe('rte');
    expect(c!.root.getAttribute('data-test-id')).toBe('compose');
    expect(c!.recipients()).toEqual({
      to: ['bob@yahoo.com', 'carol@example.net'],
      cc: ['dave@example.com', 'erin@example.com'],
      bcc: [],
      unresolved: [],
    });
    expect(c!.subject()).toBe('Weekend');
    expect(yahoo.detect({ hostname: 'example.org' }, document)).toBe(true);
  });

  it('does not need aria-labels', () => {
    loadFixture('yahoo-compose.html');
    for (const el of document.querySelectorAll('[aria-label]')) el.removeAttribute('aria-label');
    expect(yahoo.findComposers(document)[0]!.recipients().to).toEqual(['bob@yahoo.com', 'carol@example.net']);
  });

  it('finds message bodies, ids and senders', () => {
    loadFixture('yahoo-message.html');
    const messages = yahoo.findMessages(document);
    expect(messages.map((m) => m.messageId)).toEqual(['AKj9mXoAAAn1Z1x9WQp8a2bc', null]);
    expect(messages.map((m) => m.sender())).toEqual(['bob@yahoo.com', 'carol@example.net']);
    expect(messages[0]!.element.textContent).toContain('-----BEGIN NOISE ENVELOPE-----');
  });

  it('detects mail.yahoo.com and not other pages', () => {
    loadFixture('generic.html');
    expect(yahoo.detect({ hostname: 'mail.yahoo.com' }, document)).toBe(true);
    expect(yahoo.detect({ hostname: 'uk.mail.yahoo.com' }, document)).toBe(true);
    expect(yahoo.detect({ hostname: 'notmail.yahoo.com.evil.test' }, document)).toBe(false);
  });
});
