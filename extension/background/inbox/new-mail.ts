// New mail for the user: the toolbar badge counts unread inbox messages, and a system notification
// (when the user wants them) announces arrivals. The sender is named only while unlocked, from the
// decrypted summary; without the keys the notification says "New mail" and nothing else. Every
// change of the poll state runs one at a time (the alarm, the page marking mail read).

import type { ApiClient } from '../../../shared/api/client.ts';
import type { InboxRecords } from '../../store/inbox-records.ts';
import type { InboxPollRecord } from '../../store/schema.ts';
import { badgeText, noteRead, type PollResult, pollInboxes } from './poller.ts';
import type { InboxReader } from './reading.ts';

export interface InboxPlatform {
  /** The user's language (platform/browser.ts t). */
  t(key: string, substitutions?: string | string[]): string;
  setBadge(text: string): void;
  notify(id: string, title: string, message: string): void;
  /** (Re)starts the poll alarm with this period. */
  schedulePoll(seconds: number): void;
}

/** At most this many senders are named in one notification. */
const NAMED = 3;

/** The notification's words: who wrote, when the keys allow saying so. */
export function newMailText(
  t: InboxPlatform['t'],
  count: number,
  senders: string[] | null,
): { title: string; message: string } {
  const title = count === 1 ? t('inboxNewMailOne') : t('inboxNewMailMany', String(count));
  if (!senders || senders.length === 0) return { title, message: t('inboxNewMailLocked') };
  const named = senders.slice(0, NAMED).join(', ');
  return {
    title,
    message:
      senders.length > NAMED
        ? t('inboxNewMailFromMore', [named, String(senders.length - NAMED)])
        : t('inboxNewMailFrom', named),
  };
}

export class NewMail {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly records: InboxRecords,
    private readonly reader: InboxReader,
    private readonly platform: InboxPlatform | undefined,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async update(
    account: string,
    fn: (r: InboxPollRecord) => void | Promise<void>,
  ): Promise<InboxPollRecord> {
    const rec = await this.records.poll(account);
    await fn(rec);
    await this.records.putPoll(rec);
    this.platform?.setBadge(badgeText(Object.values(rec.inboxes).reduce((n, s) => n + s.unread.length, 0)));
    return rec;
  }

  poll(api: ApiClient, account: string): Promise<PollResult> {
    return this.serial(async () => {
      let result: PollResult = { unread: 0, arrived: [] };
      await this.update(account, async (rec) => {
        result = await pollInboxes(api, rec);
      });
      if (result.arrived.length > 0 && (await this.records.settings()).notify) await this.announce(result);
      return result;
    });
  }

  private async announce(result: PollResult): Promise<void> {
    const senders: string[] = [];
    for (const { address, message } of result.arrived) {
      const row = await this.reader.row(address, message).catch(() => null);
      const from = row?.from;
      if (from) senders.push(from.name ? from.name : from.address);
    }
    if (!this.platform) return;
    const unique = [...new Set(senders)];
    const { title, message } = newMailText(
      this.platform.t,
      result.arrived.length,
      unique.length > 0 ? unique : null,
    );
    this.platform.notify(`noise-inbox-${Date.now()}`, title, message);
  }

  noteRead(account: string, address: string, id: string, read: boolean): Promise<unknown> {
    return this.serial(() => this.update(account, (rec) => noteRead(rec, address, id, read)));
  }

  /** The account's inboxes changed (claim, release): list them again at the next poll. */
  relist(account: string): Promise<unknown> {
    return this.serial(() =>
      this.update(account, (rec) => {
        rec.listedAt = 0;
      }),
    );
  }
}
