// Custody of unlocked secrets in the background. They live in memory and in storage.session
// (memory-only, cleared on browser restart, not readable by content scripts), so a service
// worker restart while unlocked keeps the user unlocked and nothing unlocked reaches disk.
// Auto-lock: an alarm at last activity + timeout, re-checked whenever the worker wakes.

export interface SessionArea {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** A SessionArea in memory: for a background made outside a browser (tests, the e2e harness). */
export function memorySessionArea(): SessionArea {
  const m = new Map<string, unknown>();
  return {
    get: async <T>(k: string) => structuredClone(m.get(k)) as T | undefined,
    set: async (k: string, v: unknown) => void m.set(k, structuredClone(v)),
    remove: async (k: string) => void m.delete(k),
  };
}

export interface AlarmArea {
  set(name: string, when: number): Promise<void>;
  clear(name: string): Promise<boolean>;
}

export const AUTOLOCK_ALARM = 'noise-autolock';
const SESSION_KEY = 'noise-unlocked';
export const TOUCH_PERSIST_MS = 15_000;

interface Stored<T> {
  secrets: T;
  lastActivity: number;
}

export class Custody<T> {
  private secrets: T | null = null;
  private lastActivity = 0;
  /** The activity time last written to session storage (see touch). */
  private persistedActivity = 0;
  private readonly lockListeners: (() => void)[] = [];
  /** The one read of session storage after a worker (re)start; every early caller waits for it. */
  private restoring: Promise<void> | null = null;
  /** Bumped by unlock and lock, so a restore that was still reading cannot undo either. */
  private generation = 0;

  constructor(
    private readonly session: SessionArea,
    private readonly alarms: AlarmArea,
    private readonly timeoutMs: () => Promise<number>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The unlocked secrets, or null when locked. Locks first if the idle time has passed. */
  async current(): Promise<T | null> {
    // A restarted worker's first events arrive together: had only the first waited for the
    // restore, the others would have answered "locked" meanwhile.
    this.restoring ??= this.restore();
    await this.restoring;
    if (this.secrets && this.now() - this.lastActivity >= (await this.timeoutMs())) await this.lock();
    return this.secrets;
  }

  private async restore(): Promise<void> {
    const generation = this.generation;
    const stored = await this.session.get<Stored<T>>(SESSION_KEY);
    if (stored && !this.secrets && generation === this.generation) {
      this.secrets = stored.secrets;
      this.lastActivity = stored.lastActivity;
      this.persistedActivity = stored.lastActivity;
    }
  }

  async unlock(secrets: T): Promise<void> {
    this.secrets = secrets;
    this.generation++;
    this.restoring ??= Promise.resolve();
    await this.persist();
  }

  /** Replaces the unlocked secrets (after a key change) without touching the idle timer. */
  async replace(secrets: T): Promise<void> {
    if (!this.secrets) return;
    this.secrets = secrets;
    this.persistedActivity = this.lastActivity;
    await this.session.set(SESSION_KEY, { secrets, lastActivity: this.lastActivity } satisfies Stored<T>);
  }

  /**
   * Counts as user activity: pushes the auto-lock back. Every overlay read and compose step is
   * activity, and writing the secrets to session storage each time put a copy of them through
   * the browser's storage on the read path; so the time is kept in memory at once and written at
   * most every TOUCH_PERSIST_MS. What that costs: after a worker restart the restored idle time
   * can be that much older, and the auto-lock alarm can fire that much early (expire() re-arms).
   */
  async touch(): Promise<void> {
    if (!(await this.current())) return;
    if (this.now() - this.persistedActivity < TOUCH_PERSIST_MS) {
      this.lastActivity = this.now();
      return;
    }
    await this.persist();
  }

  /** For the auto-lock alarm: locks when the idle time has passed, else sets the alarm again. */
  async expire(): Promise<void> {
    if (!(await this.current())) return;
    await this.persist(this.lastActivity);
  }

  /** Runs `fn` whenever the secrets are locked away (by hand, auto-lock or a failed restore). */
  onLock(fn: () => void): void {
    this.lockListeners.push(fn);
  }

  async lock(): Promise<void> {
    this.secrets = null;
    this.lastActivity = 0;
    this.generation++;
    this.restoring ??= Promise.resolve();
    for (const fn of this.lockListeners) fn();
    await this.session.remove(SESSION_KEY);
    await this.alarms.clear(AUTOLOCK_ALARM);
  }

  private async persist(activity = this.now()): Promise<void> {
    const secrets = this.secrets;
    if (secrets === null) return;
    this.lastActivity = activity;
    this.persistedActivity = activity;
    await this.session.set(SESSION_KEY, { secrets, lastActivity: this.lastActivity } satisfies Stored<T>);
    await this.alarms.set(AUTOLOCK_ALARM, this.lastActivity + (await this.timeoutMs()));
  }
}
