// What the inbox page is sent: list rows from the server's row and the decrypted summary, the
// opened message's read view without attachment bytes (they come in pieces), and the search
// source of an opened message.

import type { InboxMessage } from '../../../shared/api/inbox.ts';
import { type Summary, threadIdOf, threadKeysOf } from '../../../shared/mailbox/index.ts';
import type { InboxRowView } from '../../messages/inbox-protocol.ts';
import type { ReadView } from '../../overlay/protocol.ts';
import { MAX_TEXT_CHARS, type SearchDoc } from './search-store.ts';

export function rowView(
  address: string,
  m: InboxMessage,
  opened: { summary: Summary } | { failure: string },
): InboxRowView {
  const base = {
    address,
    id: m.id,
    folder: m.folder,
    receivedAt: m.receivedAt,
    size: m.size,
    read: m.flags.read,
    starred: m.flags.starred,
    auth: m.auth,
    stored: m.format,
  };
  if ('failure' in opened)
    return {
      ...base,
      from: null,
      to: [],
      subject: '',
      date: null,
      snippet: '',
      attachments: 0,
      encryption: 'none',
      thread: null,
      threadKeys: [],
      failure: opened.failure,
    };
  const s = opened.summary;
  const date = s.date ? Date.parse(s.date) : Number.NaN;
  return {
    ...base,
    from: s.from,
    to: s.to,
    subject: s.subject,
    date: Number.isFinite(date) ? date : null,
    snippet: s.snippet,
    attachments: s.attachments.length,
    encryption: s.encryption,
    // mailbox-v1 §4.4: version 2 and 3 summaries carry their thread; a version 1 one is its own.
    thread: s.v === 1 ? threadIdOf({ messageId: s.messageId }) : s.thread,
    threadKeys: threadKeysOf(s),
    failure: null,
  };
}

/** The read view as the page gets it: attachment bytes stay in the background. */
export function withoutAttachmentData(view: Extract<ReadView, { kind: 'message' }>) {
  return { ...view, attachments: view.attachments.map((a) => ({ ...a, data: '' })) };
}

/** What search keeps of an opened message: the reader's sender, subject and text. */
export function searchDocOf(row: InboxRowView, view: Extract<ReadView, { kind: 'message' }>): SearchDoc {
  const from = row.from ? (row.from.name ? `${row.from.name} <${row.from.address}>` : row.from.address) : '';
  let text = '';
  for (const p of view.parts) {
    if (text.length >= MAX_TEXT_CHARS) break;
    text += `${p.text}\n`;
  }
  return {
    address: row.address,
    id: row.id,
    from: from.slice(0, 700),
    subject: (view.subject ?? row.subject).slice(0, 998),
    date: row.date ?? row.receivedAt,
    text: text.slice(0, MAX_TEXT_CHARS),
  };
}
