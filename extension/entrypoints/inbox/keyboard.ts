// Keyboard navigation of the inbox page, as mail programs do it: j/k move through the list,
// Enter opens, Delete deletes (pressed twice: a single key never loses mail), s stars, u marks
// unread, / goes to search, Escape closes. Keys typed into a field stay that field's.

import { useEffect, useRef } from 'preact/hooks';

export interface InboxKeys {
  next(): void;
  previous(): void;
  open(): void;
  remove(): void;
  star(): void;
  unread(): void;
  search(): void;
  close(): void;
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable;
}

export function useInboxKeys(keys: InboxKeys): void {
  // The listener reads the latest actions from a ref set at render: re-subscribing in an effect
  // lost a quick second Delete that arrived before the effect ran (it still saw the first state).
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const keys = latest.current;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape') {
        keys.close();
        return;
      }
      if (typing(e.target)) return;
      const action: Record<string, (() => void) | undefined> = {
        j: keys.next,
        ArrowDown: keys.next,
        k: keys.previous,
        ArrowUp: keys.previous,
        Enter: keys.open,
        Delete: keys.remove,
        s: keys.star,
        u: keys.unread,
        '/': keys.search,
      };
      const run = action[e.key];
      if (!run) return;
      // Enter on a button is that button's, on a list row the row's own (RowList).
      const el = e.target instanceof Element ? e.target : null;
      if (e.key === 'Enter' && (el?.tagName === 'BUTTON' || el?.getAttribute('role') === 'option')) return;
      e.preventDefault();
      run();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
