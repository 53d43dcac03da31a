// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../../e2e/fixtures/providers/load.ts';
import { outlook } from './outlook.ts';

// Plays OWA's part: on hover over a pill, draw a persona card with the address a moment later;
// on mouseout, remove it. The addresses come from the fixture's <template id="directory">.
function installPersonaCards(): () => void {
  let card: HTMLElement | null = null;
  const over = (e: Event) => {
    const pill = (e.target as Element).closest?.('[data-lpc-hover-target]');
    if (!pill) return;
    const name = pill.textContent?.trim() ?? '';
    const entry = document
      .querySelector<HTMLTemplateElement>('#directory')!
      .content.querySelector(`[data-name="${name}"]`);
    setTimeout(() => {
      card = document.createElement('div');
      card.setAttribute('role', 'dialog');
      const link = document.createElement('a');
      link.href = entry?.getAttribute('href') ?? '';
      link.textContent = name;
      card.append(link);
      document.body.append(card);
    }, 15);
  };
  const out = () => {
    card?.remove();
    card = null;
  };
  document.addEventListener('mouseover', over);
  document.addEventListener('mouseout', out);
  return () => {
    document.removeEventListener('mouseover', over);
    document.removeEventListener('mouseout', out);
  };
}

describe('outlook: compose', () => {
  let uninstall = () => {};
  beforeEach(() => loadFixture('outlook-compose.html'));
  afterEach(() => uninstall());

  it('finds the body, subject and what the pills show', () => {
    const [c, ...rest] = outlook.findComposers(document);
    expect(rest).toEqual([]);
    expect(c!.body.getAttribute('aria-multiline')).toBe('true');
    expect(c!.kind).toBe('contenteditable');
    expect(c!.subject()).toBe('Budget');
    expect(c!.root.querySelector('[data-testid="ComposeSendButton"]')).not.toBeNull();
    expect(c!.recipients()).toEqual({
      to: ['carol@fabrikam.com'],
      cc: ['erin@contoso.com'],
      bcc: [],
      unresolved: [
        { field: 'to', name: 'Bob Baker' },
        { field: 'cc', name: 'Dave Dunn' },
      ],
    });
  });

  it('resolves name-only pills through the persona hover card', async () => {
    uninstall = installPersonaCards();
    const [c] = outlook.findComposers(document);
    expect(await c!.resolveRecipients()).toEqual({
      to: ['bob@contoso.com', 'carol@fabrikam.com'],
      cc: ['dave@contoso.com', 'erin@contoso.com'],
      bcc: [],
      unresolved: [],
    });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    // Learnt addresses stick to the pill element.
    expect(c!.recipients().unresolved).toEqual([]);
  });

  it('leaves pills unresolved when no card appears', async () => {
    const [c] = outlook.findComposers(document);
    const r = await c!.resolveRecipients();
    expect(r.unresolved).toEqual([
      { field: 'to', name: 'Bob Baker' },
      { field: 'cc', name: 'Dave Dunn' },
    ]);
    expect(r.to).toEqual(['carol@fabrikam.com']);
  });
});

describe('outlook: compose in French, no aria-multiline', () => {
  it('maps wells by their translated labels and finds the body by structure', () => {
    loadFixture('outlook-compose-fr.html');
    const [c, ...rest] = outlook.findComposers(document);
    expect(rest).toEqual([]);
    expect(c!.body.getAttribute('aria-label')).toMatch(/^Corps du message/);
    expect(c!.recipients()).toEqual({
      to: ['luc@exemple.fr'],
      cc: [],
      bcc: ['zoe@exemple.fr'],
      unresolved: [],
    });
    expect(c!.subject()).toBe('Réunion');
  });

  it('falls back to well order when labels are unknown', () => {
    loadFixture('outlook-compose-fr.html');
    for (const w of document.querySelectorAll('[role="textbox"]')) w.setAttribute('aria-label', '?');
    const [c] = outlook.findComposers(document);
    expect(c!.recipients()).toEqual({
      to: ['zoe@exemple.fr'],
      cc: ['luc@exemple.fr'],
      bcc: [],
      unresolved: [],
    });
  });
});

describe('outlook: reading pane', () => {
  beforeEach(() => loadFixture('outlook-reading.html'));

  it('finds bodies with conversation-scoped ids and senders from title or text', () => {
    const messages = outlook.findMessages(document);
    const convid = 'AQQkADAwATM0MDAAMS1iNWNjLWUwZjUtMDACLTAwCgAQAFx';
    expect(messages.map((m) => m.element.id)).toEqual(['UniqueMessageBody_1', 'UniqueMessageBody_2']);
    expect(messages.map((m) => m.messageId)).toEqual([`${convid}#0`, `${convid}#1`]);
    expect(messages.map((m) => m.sender())).toEqual(['bob@contoso.com', 'carol@fabrikam.com']);
    expect(messages[1]!.element.textContent).toContain('-----END PGP MESSAGE-----');
    expect(outlook.findMessages(document.querySelectorAll('.aVla3')[1]!).map((m) => m.messageId)).toEqual([
      `${convid}#1`,
    ]);
  });

  it('detects Outlook hosts and Outlook-shaped pages', () => {
    expect(outlook.detect({ hostname: 'example.org' }, document)).toBe(true);
    loadFixture('generic.html');
    expect(outlook.detect({ hostname: 'example.org' }, document)).toBe(false);
    for (const h of [
      'outlook.live.com',
      'outlook.office.com',
      'outlook.office365.com',
      'outlook.cloud.microsoft',
    ]) {
      expect(outlook.detect({ hostname: h }, document)).toBe(true);
    }
  });
});
