// The background: sole holder of unlocked keys and sole user of the network. Pages reach it
// through the typed message API (messages/protocol.ts), gated by background/router.ts.

import type { AccountSecrets } from '../background/account.ts';
import { AUTOLOCK_ALARM, Custody } from '../background/custody.ts';
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
  onInstalled,
  onMessage,
  openTab,
  session,
} from '../platform/browser.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';

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

  // Listeners are registered synchronously so a woken worker sees the event that woke it.
  const handlers = Promise.all([ready, server]).then(([records, srv]) =>
    createHandlers(records, custody, undefined, srv),
  );
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
    }
  });
  alarms.every(UPKEEP_ALARM, 60).catch(() => {});

  onInstalled((reason) => {
    if (reason === 'install') openTab('/onboarding.html');
  });
});
