// A list of messages to move through with the keyboard (a listbox: j/k or the arrows move the
// selection, Enter opens it). The selected row holds the focus (roving tabindex), so the focus
// outline always shows where the keyboard is.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function RowList<T>(props: {
  items: T[];
  keyOf(item: T): string;
  selected: number;
  onSelect(index: number): void;
  onOpen(index: number): void;
  label: string;
  testId: string;
  rowTestId: string;
  rowClass?(item: T): string;
  rowData?(item: T): Record<string, string | undefined>;
  children(item: T): ComponentChildren;
}) {
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = list.current?.querySelector<HTMLElement>(`[data-index="${props.selected}"]`);
    if (el && list.current?.contains(document.activeElement)) el.focus();
  }, [props.selected]);
  return (
    <div class="message-list" ref={list} role="listbox" data-testid={props.testId} aria-label={props.label}>
      {props.items.map((item, i) => (
        <div
          key={props.keyOf(item)}
          data-index={i}
          data-testid={props.rowTestId}
          {...(props.rowData?.(item) ?? {})}
          role="option"
          tabIndex={i === props.selected ? 0 : -1}
          aria-selected={i === props.selected}
          class={`message-row${props.rowClass ? ` ${props.rowClass(item)}` : ''}${i === props.selected ? ' selected' : ''}`}
          onClick={() => {
            props.onSelect(i);
            props.onOpen(i);
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            props.onOpen(i);
          }}
          onFocus={() => props.onSelect(i)}
        >
          {props.children(item)}
        </div>
      ))}
    </div>
  );
}
