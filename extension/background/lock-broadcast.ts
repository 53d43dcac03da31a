// Tells every open page and overlay frame when the extension locks or unlocks, wherever that
// happened (popup, options, a frame's own unlock field, auto-lock), so a locked read frame shows
// its message and a compose frame its editor at once, without a reload. The notice carries no
// secret and no data: on it, each page asks the background again through its usual, checked
// channel (ui/lock-state.ts), so a forged notice can only cause a harmless re-ask.

import { LOCK_NOTICE, type LockNotice } from '../messages/lock-notice.ts';

/**
 * A watcher of the lock state: `check()` after anything that may have changed it (each command,
 * each lock) sends a notice when the state differs from the last one seen.
 */
export function lockStateWatcher(isUnlocked: () => Promise<boolean>, send: (notice: LockNotice) => void) {
  let last: boolean | null = null;
  let queue = Promise.resolve();
  return {
    check(): Promise<void> {
      // One check at a time, so two quick changes are announced in the order they happened.
      queue = queue.then(async () => {
        const now = await isUnlocked().catch(() => last);
        if (now === null) return;
        if (last !== null && now !== last) send({ [LOCK_NOTICE]: now ? 'unlocked' : 'locked' });
        last = now;
      });
      return queue;
    },
  };
}
