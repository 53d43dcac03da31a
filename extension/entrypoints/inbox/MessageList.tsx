// The message list: one row per message, newest first. Unread rows are bold; rows whose summary
// did not open say so instead of looking empty.

import type { InboxRowView } from '../../messages/inbox-protocol.ts';
import { t } from '../../platform/browser.ts';
import { Icon } from '../../ui/Icon.tsx';
import { AuthBadges } from './AuthBadges.tsx';
import { RowList } from './RowList.tsx';

export function senderOf(row: Pick<InboxRowView, 'from' | 'folder' | 'to'>): string {
  const who = row.folder === 'sent' ? row.to[0] : row.from;
  return who ? (who.name ?? who.address) : t('inboxNoSender');
}

export function shortDate(ms: number): string {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString();
}

export function MessageList(props: {
  rows: InboxRowView[];
  selected: number;
  openId: string | null;
  onSelect(index: number): void;
  onOpen(index: number): void;
}) {
  // A row that continues the thread of the row above it (Mailbox.tsx groups them) is indented.
  const follows = new Set(
    props.rows
      .filter((r, i) => i > 0 && r.thread !== null && props.rows[i - 1]?.thread === r.thread)
      .map((r) => r.id),
  );
  return (
    <RowList
      items={props.rows}
      keyOf={(row) => row.id}
      selected={props.selected}
      onSelect={props.onSelect}
      onOpen={props.onOpen}
      label={t('inboxListLabel')}
      testId="message-list"
      rowTestId="message-row"
      rowClass={(row) => `${row.read ? '' : 'unread'}${follows.has(row.id) ? ' in-thread' : ''}`.trim()}
      rowData={(row) => ({
        'data-id': row.id,
        'data-unread': row.read ? 'false' : 'true',
        'data-open': row.id === props.openId ? 'true' : undefined,
        'data-in-thread': follows.has(row.id) ? 'true' : undefined,
      })}
    >
      {(row) => (
        <>
          <span class="row-from">
            {!row.read && <span class="sr-only">{t('inboxUnread')} </span>}
            {senderOf(row)}
          </span>
          <span class="row-subject">
            {row.failure ? (
              <span class="warn-text" data-testid="row-failure">
                {t('inboxSummaryUnreadable')}
              </span>
            ) : (
              row.subject || t('inboxNoSubject')
            )}
            {row.snippet && <span class="muted"> — {row.snippet}</span>}
          </span>
          <span class="row-meta">
            {row.starred && (
              <span class="star" data-testid="row-starred" title={t('inboxStarred')}>
                ★
              </span>
            )}
            {row.attachments > 0 && (
              <span title={t('inboxHasAttachments')}>
                <Icon name="paperclip" />
                <span class="sr-only">{t('inboxHasAttachments')}</span>
              </span>
            )}
            {row.folder === 'inbox' && <AuthBadges auth={row.auth} compact />}
            <time class="muted">{shortDate(row.date ?? row.receivedAt)}</time>
          </span>
        </>
      )}
    </RowList>
  );
}
