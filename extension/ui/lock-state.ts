// Pages and frames follow the lock state: the background announces every lock and unlock
// (background/lock-broadcast.ts) and each listener asks again for what it shows.

import { useEffect, useRef } from 'preact/hooks';
import { isLockNotice, LOCK_NOTICE, type LockNoticeState } from '../messages/lock-notice.ts';
import { onBackgroundNotice } from '../platform/browser.ts';

/** Calls `fn` on every lock or unlock, for as long as the component is mounted. */
export function useLockNotices(fn: (state: LockNoticeState) => void): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(
    () =>
      onBackgroundNotice((m) => {
        if (isLockNotice(m)) latest.current(m[LOCK_NOTICE]);
      }),
    [],
  );
}
