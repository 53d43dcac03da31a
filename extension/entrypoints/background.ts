// The background: sole holder of unlocked keys and sole user of the network. Pages reach it
// through the typed message API (messages/protocol.ts), gated by background/router.ts.

import type { AccountSecrets } from '../background/account.ts';
import { AUTOLOCK_ALARM, Custody } from '../background/custody.ts';
import { lockStateWatcher } from '../background/lock-broadcast.ts';
import { startOverlayPorts } from '../background/overlay-ports.ts';
import { createRouter } from '../background/router.ts';
import { createHandlers } from '../background/service.ts';
import { runUpkeep, UPKEEP_ALARM } from '../background/upkeep.ts';
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
  const ready = openDatabase().then((db) => new Records(db, defaultSettings(import.meta.env.DEV)));
  const custody = new Custody<AccountSecrets>(session, alarms, async () => {
    const settings = await (await ready).settings();
    return settings.lockTimeoutMinutes * 60_000;
  });

  // Listeners are registered synchronously so a woken worker sees the event that woke it.
  const handlers = ready.then((records) => createHandlers(records, custody));
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
  startOverlayPorts(ready, custody, (tell) => frameListeners.push(tell));

  alarms.onAlarm(async (name) => {
    if (name === AUTOLOCK_ALARM) {
      // Locks when the idle time has passed; an early alarm (timer jitter, or activity kept in
      // memory since the alarm was set) sets it again.
      await custody.expire();
    } else if (name === UPKEEP_ALARM) {
      const secrets = await custody.current();
      if (secrets)
        await runUpkeep(await ready, custody, secrets).catch((e) => console.warn('upkeep failed', e));
    }
  });
  alarms.every(UPKEEP_ALARM, 60).catch(() => {});

  onInstalled((reason) => {
    if (reason === 'install') openTab('/onboarding.html');
  });
});
