import { describe, expect, it } from 'vitest';
import { type Summary, threadKeysOf } from '../../../shared/mailbox/index.ts';
import { sentSummary } from '../../../shared/outbound/index.ts';
import type { MailContent } from '../../../shared/pgp/mime-build.ts';
import { groupByThread } from './threads.ts';

const row = (id: string, thread: string | null) => ({ id, thread, threadKeys: thread ? [thread] : [] });
const rowOf = (id: string, s: Summary) => ({
  id,
  thread: s.v === 1 ? s.messageId : s.thread,
  threadKeys: threadKeysOf(s),
});
const shown = (rows: { id: string }[]) =>
  groupByThread(rows as ReturnType<typeof rowOf>[]).map(
    ({ row, follows }) => `${row.id}${follows ? '+' : ''}`,
  );

const alice = { address: 'alice@noise.test' };
const bob = { address: 'bob@x.test' };
const content = (
  subject: string,
  threading: Pick<MailContent, 'inReplyTo' | 'references'> = {},
): MailContent => ({
  from: alice,
  to: [bob],
  subject,
  text: 'hi',
  date: new Date('2026-12-01T10:00:00Z'),
  ...threading,
});

/** Bob's reply as it arrives (a v2 summary as the Worker writes it), naming `parent`. */
function replyFromBob(messageId: string, parent: string, references: string[] = [parent]): Summary {
  return {
    v: 2,
    from: bob,
    to: [alice],
    cc: [],
    bcc: [],
    subject: 'Re: lunch',
    date: '2026-12-01T11:00:00.000Z',
    messageId,
    inReplyTo: parent,
    references,
    thread: references[0] ?? parent,
    snippet: 'yes',
    attachments: [],
    encryption: 'pgp-mime',
  };
}

describe('threads in the list', () => {
  it('a reply joins its thread under the newest message; the rest keep their order', () => {
    const rows = [
      row('r2', '<a@x>'),
      row('b', '<b@x>'),
      row('solo', null),
      row('r1', '<a@x>'),
      row('a', '<a@x>'),
    ];
    expect(groupByThread(rows).map(({ row, follows }) => `${row.id}${follows ? '+' : ''}`)).toEqual([
      'r2',
      'r1+',
      'a+',
      'b',
      'solo',
    ]);
  });

  it('keeps every row exactly once', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(`m${i}`, i % 3 ? `<t${i % 5}@x>` : null));
    const out = groupByThread(rows).map((r) => r.row.id);
    expect(out.slice().sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('a reply naming the Message-ID the mail service gave a delivered copy joins the Sent message', () => {
    // docs/spec/relay-v1.md §6: Email Service reports its own id per copy (RelayResult messageId),
    // bare or bracketed; the recipient's mail program answers that id, not alice's.
    const sent = sentSummary(content('lunch'), {
      messageId: '<own-1@noise.test>',
      encryption: 'pgp-mime',
      relayedAs: ['svc-7@cloudflare.example', undefined, '<own-1@noise.test>', 'svc-7@cloudflare.example'],
    });
    expect(sent).toMatchObject({ v: 3, relayedAs: ['svc-7@cloudflare.example'] });
    const rows = [
      rowOf('reply', replyFromBob('<r1@x.test>', '<svc-7@cloudflare.example>')),
      rowOf('other', replyFromBob('<r2@x.test>', '<unrelated@x.test>')),
      rowOf('sent', sent),
    ];
    expect(shown(rows)).toEqual(['reply', 'sent+', 'other']);
    // The follower carries the conversation's thread id, which MessageList.tsx indents by.
    expect(groupByThread(rows)[1]!.row.thread).toBe(rows[0]!.thread);
  });

  it('a deeper reply whose References start at a relayed id stays in the conversation', () => {
    const sent = sentSummary(content('lunch'), {
      messageId: '<own-2@noise.test>',
      encryption: 'none',
      relayedAs: ['<svc-a@cf.example>', '<svc-b@cf.example>'],
    });
    const ownReply = sentSummary(
      content('Re: lunch', { inReplyTo: '<r1@x.test>', references: ['<svc-b@cf.example>', '<r1@x.test>'] }),
      {
        messageId: '<own-3@noise.test>',
        encryption: 'none',
      },
    );
    expect(ownReply.v).toBe(2);
    const rows = [
      rowOf(
        'second',
        replyFromBob('<r2@x.test>', '<own-3@noise.test>', [
          '<svc-b@cf.example>',
          '<r1@x.test>',
          '<own-3@noise.test>',
        ]),
      ),
      rowOf('ownReply', ownReply),
      rowOf('first', replyFromBob('<r1@x.test>', '<svc-b@cf.example>')),
      rowOf('sent', sent),
    ];
    expect(shown(rows)).toEqual(['second', 'ownReply+', 'first+', 'sent+']);
  });

  it('without a relayed id in common, replies to different copies stay apart', () => {
    const sent = sentSummary(content('lunch'), { messageId: '<own-4@noise.test>', encryption: 'none' });
    expect(sent.v).toBe(2);
    const rows = [rowOf('reply', replyFromBob('<r9@x.test>', '<svc-z@cf.example>')), rowOf('sent', sent)];
    expect(shown(rows)).toEqual(['reply', 'sent']);
  });
});
