// The inbox's records in the 'meta' store: the poller's state, the user's inbox settings and a
// rotation's progress. None of them holds anything of a mail: ids, cursors, counts and choices.

import type { Database } from './db.ts';
import type { InboxPollRecord, InboxRotationRecord, InboxSettings } from './schema.ts';

/** Chrome fires alarms at most every 30 s (chrome.alarms, Chrome 120+); Firefox polls as often. */
export const MIN_POLL_SECONDS = 30;
export const MAX_POLL_SECONDS = 3600;

export const DEFAULT_INBOX_SETTINGS: InboxSettings = {
  kind: 'inbox-settings',
  pollSeconds: 60,
  notify: true,
};

export class InboxRecords {
  constructor(private readonly db: Database) {}

  async settings(): Promise<InboxSettings> {
    const r = (await this.db.get('meta', 'inboxSettings')) as InboxSettings | undefined;
    return r?.kind === 'inbox-settings' ? { ...DEFAULT_INBOX_SETTINGS, ...r } : { ...DEFAULT_INBOX_SETTINGS };
  }

  async updateSettings(patch: Partial<Omit<InboxSettings, 'kind'>>): Promise<InboxSettings> {
    const next: InboxSettings = { ...(await this.settings()), ...patch, kind: 'inbox-settings' };
    next.pollSeconds = Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, Math.round(next.pollSeconds)));
    await this.db.put('meta', next, 'inboxSettings');
    return next;
  }

  /** The poller's state for `account`; another account's (an earlier one on this device) is dropped. */
  async poll(account: string): Promise<InboxPollRecord> {
    const r = (await this.db.get('meta', 'inboxPoll')) as InboxPollRecord | undefined;
    if (r?.kind === 'inbox-poll' && r.account === account) return r;
    return { kind: 'inbox-poll', account, inboxes: {}, listedAt: 0 };
  }

  async putPoll(record: InboxPollRecord): Promise<void> {
    await this.db.put('meta', record, 'inboxPoll');
  }

  async rotation(): Promise<InboxRotationRecord | null> {
    const r = (await this.db.get('meta', 'inboxRotation')) as InboxRotationRecord | undefined;
    return r?.kind === 'inbox-rotation' ? r : null;
  }

  async putRotation(record: InboxRotationRecord): Promise<void> {
    await this.db.put('meta', record, 'inboxRotation');
  }
}
