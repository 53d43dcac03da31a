// What a reply, a reply to all or a forward starts with, from a message opened here (reading.ts
// keeps it): the recipients, the subject with its prefix, and what the page quotes. The threading
// headers are not handed out: the send takes them from the kept message itself (outbox.ts).

import { normalizeAddress, uniqueAddresses } from '../../../shared/address.ts';
import type { InboxDraftView } from '../../messages/inbox-protocol.ts';
import type { KeptMessage } from './reading.ts';

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
  const cc = s.v === 2 ? s.cc.map((a) => a.address) : [];
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
  const replyTo = from && !mine.has(normalizeAddress(from)) ? [from] : to;
  const others = kind === 'replyAll' ? uniqueAddresses([...to, ...cc]) : [];
  const taken = new Set(uniqueAddresses(replyTo));
  return {
    to: uniqueAddresses(replyTo),
    cc: others.filter((a) => !mine.has(a) && !taken.has(a)),
    subject: prefixed('Re', s.subject),
    quoted,
    attachments: [],
  };
}
