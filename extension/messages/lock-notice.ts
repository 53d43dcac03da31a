// The notice the background sends every open page and frame when the extension locks or unlocks
// (background/lock-broadcast.ts). It carries no secret and no data: pages ask again on it.

export const LOCK_NOTICE = 'noise-lock-state';

export type LockNoticeState = 'locked' | 'unlocked';

export interface LockNotice {
  [LOCK_NOTICE]: LockNoticeState;
}

export function isLockNotice(m: unknown): m is LockNotice {
  const v = (m as Record<string, unknown> | null)?.[LOCK_NOTICE];
  return v === 'locked' || v === 'unlocked';
}
