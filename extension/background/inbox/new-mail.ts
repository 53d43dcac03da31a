// New mail for the user: the toolbar badge counts unread inbox messages, and a system notification
// (when the user wants them) announces arrivals. The sender is named only while unlocked, from the
// decrypted summary. Locked, the background has no session (docs/threat-model.md): it asks each
// inbox's watch token (made while unlocked; docs/api.md "Watching an inbox") for the unread count
// alone, and a notification says "New mail" and nothing else; after the unlock the poll names the
// senders. Every change of the poll state runs one at a time (the alarm, the page marking mail read).

import { type ApiClient, isApiClientError } from '../../../shared/api/client.ts';
import type { InboxRecords } from '../../store/inbox-records.ts';
import type { InboxPollRecord } from '../../store/schema.ts';
import { applyWatch, badgeText, noteRead, type PollResult, pollInboxes, unreadOf } from './poller.ts';
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

/**
 * While unlocked: each inbox gets a watch token once, and its last answer follows the unlocked
 * poll, so the locked poll counts only what arrives after it.
 */
async function watchAll(api: ApiClient, rec: InboxPollRecord): Promise<void> {
  for (const [address, state] of Object.entries(rec.inboxes)) {
    if (!state.watch) {
      const made = await api.inbox.watchToken(address).catch(() => null);
      if (!made) continue;
      state.watch = { token: made.token, cursor: 0, unread: 0 };
    }
    state.watch.cursor = state.cursor;
    state.watch.unread = state.unread.length;
  }
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
    locked = false,
  ): Promise<InboxPollRecord> {
    const rec = await this.records.poll(account);
    await fn(rec);
    await this.records.putPoll(rec);
    this.platform?.setBadge(badgeText(unreadOf(rec, locked)));
    return rec;
  }

  poll(api: ApiClient, account: string): Promise<PollResult> {
    return this.serial(async () => {
      let result: PollResult = { unread: 0, arrived: [] };
      await this.update(account, async (rec) => {
        result = await pollInboxes(api, rec);
        await watchAll(api, rec);
      });
      if (result.arrived.length > 0 && (await this.records.settings()).notify) await this.announce(result);
      return result;
    });
  }

  /** The poll while locked: watch tokens only, no session; returns how many arrived. */
  pollLocked(anonymous: ApiClient, account: string): Promise<number> {
    return this.serial(async () => {
      let arrived = 0;
      await this.update(
        account,
        async (rec) => {
          for (const [address, state] of Object.entries(rec.inboxes)) {
            if (!state.watch) continue;
            try {
              const answer = await anonymous.inbox.watch(address, state.watch.token, state.watch);
              if (answer) arrived += applyWatch(state.watch, answer);
            } catch (e) {
              // Released, or the token was replaced by newer ones: the next unlocked poll makes one.
              if (isApiClientError(e) && e.status === 401) delete state.watch;
              else throw e;
            }
          }
        },
        true,
      );
      if (arrived > 0 && this.platform && (await this.records.settings()).notify) {
        const { title, message } = newMailText(this.platform.t, arrived, null);
        this.platform.notify(`noise-inbox-${Date.now()}`, title, message);
      }
      return arrived;
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
