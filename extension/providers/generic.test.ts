// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { loadFixture } from '../../e2e/fixtures/providers/load.ts';
import { findArmoredElements } from './armor.ts';
import { createGenericAdapter } from './generic.ts';

// happy-dom has no layout: heights come from the fixture's inline styles (a real browser test
// covers real layout, see e2e/webmail/adapters.e2e.ts).
const generic = createGenericAdapter({
  measure: (el) => {
    const hidden = el.style.display === 'none' || el.closest('[hidden]') !== null;
    return { width: hidden ? 0 : 400, height: hidden ? 0 : Number.parseFloat(el.style.height || '0') };
  },
});

describe('generic', () => {
  beforeEach(() => loadFixture('generic.html'));

  it('takes visible editors taller than 80 px, outermost only, not read-only ones', () => {
    const composers = generic.findComposers(document);
    expect(composers.map((c) => c.body.getAttribute('name') ?? c.body.id)).toEqual(['body', 'rich']);
    expect(composers.map((c) => c.kind)).toEqual(['textarea', 'contenteditable']);
  });

  it('reads recipients and subject from ordinary form fields', () => {
    const [form, rich] = generic.findComposers(document);
    expect(form!.recipients()).toEqual({
      to: ['bob@example.org', 'carol@example.net'],
      cc: ['dave@example.com'],
      bcc: [],
      unresolved: [],
    });
    expect(form!.subject()).toBe('Hi there');
    expect(rich!.recipients()).toEqual({ to: [], cc: [], bcc: [], unresolved: [] });
    expect(rich!.subjectInput).toBeNull();
  });

  it('finds complete armored blocks anywhere, but not in editors, scripts or unfinished blocks', () => {
    const messages = generic.findMessages(document);
    expect(messages.map((m) => m.element.id)).toEqual(['armored-pre', 'armored-br', 'key']);
    expect(messages.map((m) => m.messageId)).toEqual(['m-1', 'm-2', null]);
    expect(messages.map((m) => m.sender())).toEqual(['erin@example.com', null, null]);
  });

  it('finds our envelope armor and scans subtrees', () => {
    const div = document.createElement('div');
    div.id = 'envelope';
    div.append(
      '-----BEGIN NOISE ENVELOPE-----',
      document.createElement('br'),
      'AAAA',
      document.createElement('br'),
    );
    div.append('-----END NOISE ENVELOPE-----');
    document.body.append(div);
    expect(findArmoredElements(div).map((e) => e.id)).toEqual(['envelope']);
    expect(findArmoredElements(document.querySelector('form#compose')!)).toEqual([]);
  });

  it('always applies', () => {
    expect(generic.detect({ hostname: 'anything.example' }, document)).toBe(true);
  });
});
