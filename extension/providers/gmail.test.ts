// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../../e2e/fixtures/providers/load.ts';
import { gmail } from './gmail.ts';

const at = (hostname: string) => ({ hostname });

function stripAriaLabels(doc: Document) {
  for (const el of doc.querySelectorAll('[aria-label], [data-tooltip]')) {
    el.removeAttribute('aria-label');
    el.removeAttribute('data-tooltip');
  }
}

describe('gmail: compose (2021+ recipient layout)', () => {
  beforeEach(() => loadFixture('gmail-compose.html'));

  it('finds the compose dialog and the inline reply with their recipients and subjects', () => {
    const [dialog, reply, ...rest] = gmail.findComposers(document);
    expect(rest).toEqual([]);
    expect(dialog!.kind).toBe('contenteditable');
    expect(dialog!.body.getAttribute('g_editable')).toBe('true');
    expect(dialog!.recipients()).toEqual({
      to: ['bob@example.org', 'carol@example.net'],
      cc: ['dave@example.com'],
      bcc: ['erin@example.com'],
      unresolved: [],
    });
    expect(dialog!.subject()).toBe('Quarterly numbers');
    expect(dialog!.subjectInput?.placeholder).toBe('Subject');
    expect(reply!.recipients().to).toEqual(['frank@example.com']);
    expect(reply!.subject()).toBe('Re: Lunch?');
    expect(reply!.root.contains(dialog!.body)).toBe(false);
  });

  it('reads recipients live, as chips come and go', async () => {
    const [dialog] = gmail.findComposers(document);
    const list = dialog!.root.querySelector('[name="to"] [role="listbox"]')!;
    const chip = document.createElement('div');
    chip.setAttribute('role', 'option');
    chip.setAttribute('data-hovercard-id', 'new@example.com');
    list.append(chip);
    expect(dialog!.recipients().to).toContain('new@example.com');
    list.querySelector('[data-hovercard-id="bob@example.org"]')!.remove();
    expect((await dialog!.resolveRecipients()).to).toEqual(['carol@example.net', 'new@example.com']);
  });

  it('does not depend on aria-labels', () => {
    const before = gmail.findComposers(document).map((c) => [c.recipients(), c.subject()]);
    stripAriaLabels(document);
    expect(gmail.findComposers(document).map((c) => [c.recipients(), c.subject()])).toEqual(before);
  });
});

describe('gmail: older layouts and other languages', () => {
  it('reads the pre-2021 textarea.vO layout: chips, hidden inputs and typed text', () => {
    loadFixture('gmail-compose-legacy.html');
    const [c, ...rest] = gmail.findComposers(document);
    expect(rest).toEqual([]);
    expect(c!.recipients()).toEqual({
      to: ['bob@example.org', 'carol@example.net', 'gina@example.com'],
      cc: ['dave@example.com'],
      bcc: [],
      unresolved: [],
    });
    expect(c!.subject()).toBe('Old layout');
  });

  it('works in German ("Nachrichtentext", "An-Empfänger")', () => {
    loadFixture('gmail-compose-de.html');
    expect(gmail.detect(at('127.0.0.1'), document)).toBe(true);
    const [c] = gmail.findComposers(document);
    expect(c!.body.getAttribute('aria-label')).toBe('Nachrichtentext');
    expect(c!.recipients().to).toEqual(['jonas@example.de']);
    expect(c!.subject()).toBe('Grüße');
  });
});

describe('gmail: displayed messages', () => {
  beforeEach(() => loadFixture('gmail-thread.html'));

  it('finds bodies, senders, ids and the clip link', () => {
    const messages = gmail.findMessages(document);
    expect(messages.map((m) => m.messageId)).toEqual([
      '18d4e1f2a3b4c5d1',
      '18d4e1f2a3b4c5d2',
      '18d4e1f2a3b4c5d3',
    ]);
    expect(messages.map((m) => m.sender())).toEqual([
      'bob@example.org',
      'carol@example.net',
      'dave@example.com',
    ]);
    expect(messages.map((m) => m.element.className.trim())).toEqual(['a3s aiL', 'a3s aiL', 'a3s aXjCH']);
    expect(messages.map((m) => m.clipped)).toEqual([false, true, false]);
    expect(messages[1]!.fullViewUrl).toContain('view=lg');
    expect(messages[1]!.element.textContent).toContain('-----BEGIN PGP MESSAGE-----');
  });

  it('scans a subtree, including the message element itself', () => {
    const second = document.querySelectorAll<HTMLElement>('div.adn')[1]!;
    expect(gmail.findMessages(second).map((m) => m.messageId)).toEqual(['18d4e1f2a3b4c5d2']);
  });

  it('falls back to the permanent id when the legacy one is missing', () => {
    document.querySelector('div.adn')!.removeAttribute('data-legacy-message-id');
    expect(gmail.findMessages(document)[0]!.messageId).toBe('1789654321000000001');
  });
});

describe('gmail: detection', () => {
  it('knows mail.google.com and Gmail-shaped pages, not others', () => {
    loadFixture('generic.html');
    expect(gmail.detect(at('mail.google.com'), document)).toBe(true);
    expect(gmail.detect(at('mail.example.org'), document)).toBe(false);
    loadFixture('gmail-thread.html');
    expect(gmail.detect(at('127.0.0.1'), document)).toBe(true);
  });
});
