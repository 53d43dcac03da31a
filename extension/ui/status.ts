// The lock state a page shows (options, inbox): asked for at once, again on every lock or unlock
// notice (ui/lock-state.ts), and now and then, since an auto-lock found when the background
// wakes is not announced (nothing was seen unlocked before it).

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import type { Status } from '../messages/protocol.ts';
import { useLockNotices } from './lock-state.ts';

const LOOK_AGAIN_MS = 15_000;

export function useStatus(): { status: Status | null; setStatus(s: Status): void; refresh(): Promise<void> } {
  const [status, setStatus] = useState<Status | null>(null);
  const refresh = () => call('status', {}).then(setStatus);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, LOOK_AGAIN_MS);
    return () => clearInterval(timer);
  }, []);
  useLockNotices(() => {
    refresh();
  });
  return { status, setStatus, refresh };
}
