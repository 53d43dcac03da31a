// Ciphertext into the webmail's editor the way typing would, so the webmail's own model (its
// draft, its send) sees it; the content script only ever inserts what the background handed it.

import type { Composer } from '../providers/types.ts';
import { textWithBreaks } from './scan.ts';

const BIG_INSERT = 512 * 1024;

function execInsert(text: string): boolean {
  return typeof document.execCommand === 'function' && document.execCommand('insertText', false, text);
}

/** Replaces the editor's content with `text` the way typing would, so the webmail's model sees it. */
export function insertIntoEditor(composer: Composer, text: string): { ok: boolean; registered: boolean } {
  const body = composer.body;
  let registered = false;
  const onInput = () => {
    registered = true;
  };
  body.addEventListener('input', onInput);
  try {
    body.focus();
    if (composer.kind === 'textarea') {
      (body as unknown as HTMLTextAreaElement).select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(body);
      const sel = getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    }
    // execCommand is deprecated but is still the one call that goes through the editor's own
    // input pipeline (beforeinput/input with inputType insertText) in both engines.
    // Megabytes through execCommand take minutes in Chromium: big ciphertext is set directly,
    // with the same input event the webmail listens to.
    let ok = text.length < BIG_INSERT && execInsert(text);
    const current =
      composer.kind === 'textarea' ? (body as unknown as HTMLTextAreaElement).value : textWithBreaks(body);
    if (!ok || !current.includes(text.split('\n')[0] ?? '')) {
      if (composer.kind === 'textarea') (body as unknown as HTMLTextAreaElement).value = text;
      else {
        const nodes: Node[] = [];
        text.split('\n').forEach((line, i) => {
          if (i > 0) nodes.push(document.createElement('br'));
          nodes.push(document.createTextNode(line));
        });
        body.replaceChildren(...nodes);
      }
      body.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
      ok = true;
    }
    return { ok, registered };
  } finally {
    body.removeEventListener('input', onInput);
  }
}

export function setSubject(composer: Composer, subject: string): void {
  const input = composer.subjectInput;
  if (!input) return;
  input.focus();
  input.select();
  if (!execInsert(subject) || input.value !== subject) {
    input.value = subject;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: subject }));
  }
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
