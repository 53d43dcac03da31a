// The unlocked inbox: folders (Inbox, Sent) of one inbox address, a page of messages at a time,
// local search over opened messages, and the open message beside the list. Everything comes from
// the background (messages/inbox-protocol.ts); the page keeps only what it shows.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Folder } from '../../../shared/api/inbox.ts';
import { call } from '../../messages/client.ts';
import type { InboxOverview, InboxRowView } from '../../messages/inbox-protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { ErrorText } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { Compose, type ComposeStart } from './Compose.tsx';
import { type InboxKeys, useInboxKeys } from './keyboard.ts';
import { MessageList } from './MessageList.tsx';
import { MessageView } from './MessageView.tsx';
import { SearchBar, type SearchHit, SearchHits } from './Search.tsx';
import { groupByThread } from './threads.ts';

const PAGE = 50;
const REFRESH_MS = 30_000;
/** How long a first Delete waits for the second before it is forgotten. */
const ARMED_MS = 10_000;

export function Mailbox(props: { account: string }) {
  const [overview, setOverview] = useState<InboxOverview | null>(null);
  const [address, setAddress] = useState<string | null>(null);
  const [folder, setFolder] = useState<Folder>('inbox');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [rows, setRows] = useState<InboxRowView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [selected, setSelected] = useState(0);
  const [open, setOpen] = useState<{ address: string; id: string } | null>(null);
  const [armed, setArmed] = useState<string | null>(null);
  const [composing, setComposing] = useState<ComposeStart | null>(null);
  // Opening another message leaves the form (a reply keeps the message it answers open).
  useEffect(() => setComposing(null), [open?.address, open?.id]);
  const [error, setError] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const fail = (e: unknown) => setError(errorText(e));

  useEffect(() => {
    call('inbox.overview', {})
      .then((o) => {
        setOverview(o);
        setAddress(
          (a) =>
            a ?? o.inboxes.find((i) => i.address === props.account)?.address ?? o.inboxes[0]?.address ?? null,
        );
      })
      .catch(fail);
  }, [props.account]);

  const before = cursors[cursors.length - 1] ?? null;
  const load = useCallback(() => {
    if (!address) return;
    call('inbox.list', { address, folder, limit: PAGE, ...(before ? { before } : {}) })
      .then((page) => {
        // Conversations together (threads.ts): a reply sits under its thread's newest message.
        setRows(groupByThread(page.messages).map((g) => g.row));
        setNext(page.next);
        setSelected((s) => Math.min(s, Math.max(0, page.messages.length - 1)));
      })
      .catch(fail);
  }, [address, folder, before]);
  useEffect(load, [load]);
  // New mail shows up without a reload (the first page only; older pages stay as they were).
  useEffect(() => {
    if (before) return;
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, before]);

  const items = useMemo(
    () => (hits ?? rows ?? []).map((r) => ({ address: r.address, id: r.id })),
    [hits, rows],
  );
  const current = items[selected];
  const openRow = rows?.find((r) => r.id === open?.id) ?? null;

  function patchRow(row: InboxRowView) {
    setRows((rs) => rs?.map((r) => (r.id === row.id ? row : r)) ?? rs);
  }

  async function flags(target: { address: string; id: string }, f: { read?: boolean; starred?: boolean }) {
    try {
      patchRow(await call('inbox.flags', { ...target, ...f }));
    } catch (e) {
      fail(e);
    }
  }

  /** Delete asks twice (the key or the button): one slip of a key never loses mail. */
  async function remove(target: { address: string; id: string }) {
    if (armed !== target.id) {
      setArmed(target.id);
      setTimeout(() => setArmed((a) => (a === target.id ? null : a)), ARMED_MS);
      return;
    }
    setArmed(null);
    try {
      await call('inbox.delete', target);
      if (open?.id === target.id) setOpen(null);
      setRows((rs) => rs?.filter((r) => r.id !== target.id) ?? rs);
      setHits((hs) => hs?.filter((h) => h.id !== target.id) ?? hs);
    } catch (e) {
      fail(e);
    }
  }

  const keys: InboxKeys = {
    next: () => setSelected((s) => Math.min(s + 1, Math.max(0, items.length - 1))),
    previous: () => setSelected((s) => Math.max(0, s - 1)),
    open: () => current && setOpen(current),
    remove: () => current && remove(current),
    star: () => {
      const row = rows?.find((r) => r.id === current?.id);
      if (row) flags(row, { starred: !row.starred });
    },
    unread: () => current && flags(current, { read: false }),
    search: () => search.current?.focus(),
    close: () => {
      if (open) setOpen(null);
      else if (hits) setHits(null);
    },
  };
  useInboxKeys(keys);

  if (!overview) return <main aria-busy="true" />;
  if (!address)
    return (
      <main>
        <h1>{t('inboxHeading')}</h1>
        <p data-testid="no-inbox">
          {t('inboxNone')} <a href={extensionUrl('/options.html#inbox')}>{t('inboxClaimLink')}</a>
        </p>
        <ErrorText message={error} />
      </main>
    );

  const actions = open && (
    <>
      {(['reply', 'replyAll', 'forward'] as const).map((kind) => (
        <button
          type="button"
          key={kind}
          data-testid={`compose-${kind}`}
          onClick={() => setComposing({ kind, message: open })}
        >
          {t(kind === 'reply' ? 'outboxReply' : kind === 'replyAll' ? 'outboxReplyAll' : 'outboxForward')}
        </button>
      ))}
      {openRow && (
        <button
          type="button"
          class="secondary"
          data-testid="star"
          onClick={() => flags(openRow, { starred: !openRow.starred })}
        >
          {openRow.starred ? t('inboxUnstar') : t('inboxStar')}
        </button>
      )}
      <button
        type="button"
        class="secondary"
        data-testid="mark-unread"
        onClick={() => flags(open, { read: false })}
      >
        {t('inboxMarkUnread')}
      </button>
      <button type="button" class="danger" data-testid="delete" onClick={() => remove(open)}>
        {armed === open.id ? t('inboxDeleteConfirm') : t('inboxDelete')}
      </button>
      <button type="button" class="secondary" onClick={() => setOpen(null)}>
        {t('inboxClose')}
      </button>
    </>
  );

  return (
    <main class="inbox">
      <header class="inbox-head">
        <h1>{t('inboxHeading')}</h1>
        {overview.inboxes.length > 1 ? (
          <select
            aria-label={t('inboxAddressLabel')}
            value={address}
            onChange={(e) => {
              setAddress((e.currentTarget as HTMLSelectElement).value);
              setCursors([null]);
              setOpen(null);
            }}
          >
            {overview.inboxes.map((i) => (
              <option key={i.address} value={i.address}>
                {i.address}
              </option>
            ))}
          </select>
        ) : (
          <span class="muted" data-testid="inbox-address">
            {address}
          </span>
        )}
        <SearchBar
          inputRef={search}
          onResults={(h) => {
            setHits(h);
            setSelected(0);
          }}
          onError={fail}
        />
      </header>
      <nav class="folders" aria-label={t('inboxFolders')}>
        {(['inbox', 'sent'] as const).map((f) => (
          <button
            type="button"
            key={f}
            class={f === folder ? '' : 'secondary'}
            aria-pressed={f === folder}
            data-testid={`folder-${f}`}
            onClick={() => {
              setFolder(f);
              setCursors([null]);
              setHits(null);
              setSelected(0);
            }}
          >
            {f === 'inbox' ? t('inboxFolderInbox') : t('inboxFolderSent')}
          </button>
        ))}
        <button type="button" data-testid="compose-new" onClick={() => setComposing({ kind: 'new' })}>
          {t('outboxNew')}
        </button>
        <button
          type="button"
          class="secondary"
          data-testid="refresh"
          onClick={() => {
            setHits(null);
            load();
          }}
        >
          {t('inboxRefresh')}
        </button>
      </nav>
      <ErrorText message={error} />
      {armed && (
        <p class="notice warning" role="status">
          {t('inboxDeleteAgain')}
        </p>
      )}
      <div class={`panes${open || composing ? ' with-message' : ''}`}>
        <section class="list-pane" aria-label={t('inboxListLabel')}>
          {hits ? (
            <SearchHits
              hits={hits}
              selected={selected}
              onSelect={setSelected}
              onOpen={(i) => hits[i] && setOpen(hits[i])}
            />
          ) : rows === null ? (
            <p class="muted" aria-busy="true">
              {t('inboxLoading')}
            </p>
          ) : rows.length === 0 ? (
            <p class="empty" data-testid="empty">
              {folder === 'inbox' ? t('inboxEmpty', address) : t('inboxEmptySent')}
            </p>
          ) : (
            <MessageList
              rows={rows}
              selected={selected}
              openId={open?.id ?? null}
              onSelect={setSelected}
              onOpen={(i) => rows[i] && setOpen({ address: rows[i].address, id: rows[i].id })}
            />
          )}
          {!hits && (cursors.length > 1 || next) && (
            <div class="pager">
              <button
                type="button"
                class="secondary"
                data-testid="newer"
                disabled={cursors.length <= 1}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                {t('inboxNewer')}
              </button>
              <button
                type="button"
                class="secondary"
                data-testid="older"
                disabled={!next}
                onClick={() => next && setCursors((c) => [...c, next])}
              >
                {t('inboxOlder')}
              </button>
            </div>
          )}
          <p class="muted keys-hint">{t('inboxKeysHint')}</p>
        </section>
        {composing ? (
          <Compose
            key={`${composing.kind}/${composing.message?.id ?? ''}`}
            from={address}
            start={composing}
            onClose={() => setComposing(null)}
            onSent={() => folder === 'sent' && load()}
          />
        ) : (
          open && (
            <MessageView
              key={`${open.address}/${open.id}`}
              address={open.address}
              id={open.id}
              onOpened={patchRow}
              actions={actions}
            />
          )
        )}
      </div>
    </main>
  );
}
