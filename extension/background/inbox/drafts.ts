// What a reply, a reply to all or a forward starts with, from a message opened here (reading.ts
// keeps it): the recipients, the subject with its prefix, and what the page quotes. The threading
// headers are not handed out: the send takes them from the kept message itself (threading, used
// by outbox.ts).

import { normalizeAddress, uniqueAddresses } from '../../../shared/address.ts';
import type { Summary } from '../../../shared/mailbox/index.ts';
import type { MailContent } from '../../../shared/pgp/mime-build.ts';
import type { InboxDraftView } from '../../messages/inbox-protocol.ts';
import type { KeptMessage } from './reading.ts';

/** RFC 5322 §3.6.4: the parent's References (or its In-Reply-To) followed by its Message-ID. */
export function threading(parent: Summary): Pick<MailContent, 'inReplyTo' | 'references'> {
  if (!parent.messageId) return {};
  const before =
    parent.v !== 1
      ? parent.references.length
        ? parent.references
        : parent.inReplyTo
          ? [parent.inReplyTo]
          : []
      : [];
  return { inReplyTo: parent.messageId, references: [...before, parent.messageId].slice(-32) };
}

export type DraftKind = 'reply' | 'replyAll' | 'forward';

/** RFC 5322 §3.6.5: "Re: " once, not stacked; forwards take "Fwd: " the same way. */
function prefixed(prefix: 'Re' | 'Fwd', subject: string): string {
  return new RegExp(`^${prefix}:`, 'i').test(subject.trim()) ? subject : `${prefix}: ${subject}`;
}

export function draftOf(kept: KeptMessage, kind: DraftKind, own: readonly string[]): InboxDraftView {
  const s = kept.summary;
  const mine = new Set(own.map(normalizeAddress));
  const from = s.from?.address ?? '';
  const to = s.to.map((a) => a.address);
  const cc = s.v !== 1 ? s.cc.map((a) => a.address) : [];
  const quoted = { from, date: s.date ? Date.parse(s.date) : null, text: kept.text };
  if (kind === 'forward')
    return {
      to: [],
      cc: [],
      subject: prefixed('Fwd', s.subject),
      quoted,
      attachments: kept.attachments.map((a) => ({ name: a.name, type: a.type, size: a.data.length })),
    };
  // Answering one's own Sent message goes to its recipients again.
  const others = to.filter((a) => !mine.has(normalizeAddress(a)));
  const replyTo = from && !mine.has(normalizeAddress(from)) ? [from] : others.length ? others : to;
  const all = kind === 'replyAll' ? uniqueAddresses([...to, ...cc]) : [];
  const taken = new Set(uniqueAddresses(replyTo));
  return {
    to: uniqueAddresses(replyTo),
    cc: all.filter((a) => !mine.has(a) && !taken.has(a)),
    subject: prefixed('Re', s.subject),
    quoted,
    attachments: [],
  };
}
