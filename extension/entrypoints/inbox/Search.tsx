// Local search over the messages opened on this device (their sender, subject and text), run by
// the background over an index it keeps in memory while unlocked. Nothing is sent anywhere.

import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { InboxResponses } from '../../messages/inbox-protocol.ts';
import { t } from '../../platform/browser.ts';
import { shortDate } from './MessageList.tsx';
import { RowList } from './RowList.tsx';

export type SearchHit = InboxResponses['inbox.search']['hits'][number];

export function SearchBar(props: {
  inputRef: RefObject<HTMLInputElement | null>;
  onResults(hits: SearchHit[] | null): void;
  onError(e: unknown): void;
}) {
  const [query, setQuery] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    if (!query.trim()) return props.onResults(null);
    try {
      props.onResults((await call('inbox.search', { query })).hits);
    } catch (err) {
      props.onError(err);
    }
  }
  return (
    <form class="search" aria-label={t('inboxSearchLabel')} onSubmit={submit}>
      <input
        ref={props.inputRef}
        type="search"
        name="search"
        data-testid="search"
        aria-label={t('inboxSearchLabel')}
        placeholder={t('inboxSearchPlaceholder')}
        value={query}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value;
          setQuery(v);
          if (!v) props.onResults(null);
        }}
      />
      <button type="submit" class="secondary" data-testid="search-submit">
        {t('inboxSearch')}
      </button>
    </form>
  );
}

export function SearchHits(props: {
  hits: SearchHit[];
  selected: number;
  onSelect(i: number): void;
  onOpen(i: number): void;
}) {
  if (props.hits.length === 0)
    return (
      <p class="empty" data-testid="search-empty">
        {t('inboxSearchNone')}
      </p>
    );
  return (
    <RowList
      items={props.hits}
      keyOf={(h) => `${h.address}/${h.id}`}
      selected={props.selected}
      onSelect={props.onSelect}
      onOpen={props.onOpen}
      label={t('inboxSearchResults')}
      testId="search-hits"
      rowTestId="search-hit"
      rowData={(h) => ({ 'data-id': h.id })}
    >
      {(h) => (
        <>
          <span class="row-from">{h.from}</span>
          <span class="row-subject">{h.subject || t('inboxNoSubject')}</span>
          <span class="row-meta">
            <time class="muted">{shortDate(h.date)}</time>
          </span>
        </>
      )}
    </RowList>
  );
}
