// The background: sole holder of unlocked keys and sole user of the network. Pages reach it
// through the typed message API (messages/protocol.ts), gated by background/router.ts.

import type { AccountSecrets } from '../background/account.ts';
import { AUTOLOCK_ALARM, Custody } from '../background/custody.ts';
import { createInboxService } from '../background/inbox/service.ts';
import { lockStateWatcher } from '../background/lock-broadcast.ts';
import { startOverlayPorts } from '../background/overlay-ports.ts';
import { createPrekeyCustody } from '../background/prekey-custody.ts';
import { createRouter } from '../background/router.ts';
import { accountServerFor, createHandlers } from '../background/service.ts';
import { runUpkeep, syncVaultNow, UPKEEP_ALARM, type UpkeepDeps } from '../background/upkeep.ts';
import { LOCK_NOTICE, type LockNoticeState } from '../messages/lock-notice.ts';
import {
  alarms,
  broadcastToPages,
  extensionId,
  extensionOrigin,
  notifications,
  onInstalled,
  onMessage,
  openTab,
  repeatEvery,
  session,
  setBadgeText,
  t,
} from '../platform/browser.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';

/** The inbox's new-mail poll (background/inbox/new-mail.ts); its period is an inbox setting. */
const INBOX_POLL_ALARM = 'noise-inbox-poll';

export default defineBackground(() => {
  const database = openDatabase();
  const ready = database.then((db) => new Records(db, defaultSettings(import.meta.env.DEV)));
  const custody = new Custody<AccountSecrets>(session, alarms, async () => {
    const settings = await (await ready).settings();
    return settings.lockTimeoutMinutes * 60_000;
  });
  // The account's server: one API client per URL, its session in storage.session and sealed in
  // IndexedDB (session-store.ts). Built once the database is open.
  const server = ready.then((records) => accountServerFor(records, custody, session));
  // The read path's custody of envelope prekeys: deleting a used one-time prekey schedules a push
  // (upkeep without the directory work), which reads `upkeepDeps` only when it runs.
  let upkeepDeps: Promise<UpkeepDeps>;
  const prekeys = Promise.all([database, ready]).then(([db, records]) =>
    createPrekeyCustody({
      db,
      records,
      custody,
      syncSoon: () =>
        upkeepDeps.then(syncVaultNow).catch((e) => console.warn('vault sync failed; upkeep retries', e)),
    }),
  );
  upkeepDeps = Promise.all([ready, server, prekeys]).then(([records, srv, prekeyCustody]) => ({
    records,
    custody,
    server: srv,
    prekeys: prekeyCustody,
  }));

  // The registered inbox: its page's commands, the poll behind the badge and notifications.
  const inbox = Promise.all([database, ready, server]).then(([db, records, srv]) =>
    createInboxService({
      db,
      records,
      custody,
      server: srv,
      prekeys,
      platform: {
        t,
        setBadge: (text) => void setBadgeText(text),
        notify: (id, title, message) => void notifications.show(id, title, message).catch(() => {}),
        schedulePoll: (seconds) => void repeatEvery(INBOX_POLL_ALARM, seconds).catch(() => {}),
      },
    }),
  );

  // Listeners are registered synchronously so a woken worker sees the event that woke it.
  const handlers = Promise.all([ready, server, inbox]).then(([records, srv, mail]) => ({
    ...createHandlers(records, custody, undefined, srv),
    ...mail.handlers,
  }));
  const route = createRouter(handlers, { id: extensionId(), origin: extensionOrigin() }, () => {
    custody.touch().catch(() => {});
  });
  // Every open page and frame hears of a lock or unlock, wherever it happened (lock-broadcast.ts).
  // Pages hear it as a runtime message; frames inside web pages over their ports (overlay.ts).
  const frameListeners: ((state: LockNoticeState) => void)[] = [];
  const lockState = lockStateWatcher(
    async () => (await custody.current()) !== null,
    (notice) => {
      broadcastToPages(notice);
      for (const tell of frameListeners) tell(notice[LOCK_NOTICE]);
    },
  );
  lockState.check().catch(() => {});
  custody.onLock(() => {
    lockState.check().catch(() => {});
  });
  onMessage(async (message, sender) => {
    const reply = await route(message, sender);
    await lockState.check();
    return reply;
  });
  startOverlayPorts(ready, custody, prekeys, (tell) => frameListeners.push(tell));

  alarms.onAlarm(async (name) => {
    if (name === AUTOLOCK_ALARM) {
      // Locks when the idle time has passed; an early alarm (timer jitter, or activity kept in
      // memory since the alarm was set) sets it again.
      await custody.expire();
    } else if (name === UPKEEP_ALARM) {
      await runUpkeep(await upkeepDeps).catch((e) => console.warn('upkeep failed', e));
    } else if (name === INBOX_POLL_ALARM) {
      await (await inbox).poll().catch((e) => console.warn('inbox poll failed', e));
    }
  });
  alarms.every(UPKEEP_ALARM, 60).catch(() => {});
  inbox
    .then(async (mail) => repeatEvery(INBOX_POLL_ALARM, (await mail.settings()).pollSeconds))
    .catch(() => {});
  notifications.onClicked(() => void openTab('/inbox.html'));

  onInstalled((reason) => {
    if (reason === 'install') openTab('/onboarding.html');
  });
});
