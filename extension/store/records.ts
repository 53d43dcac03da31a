// Typed reads and writes over the extension database: the vault copy, settings, the unlock
// guard, the security mark, contacts and the security log.

import { normalizeAddress } from '../../shared/address.ts';
import { NO_GUARD } from '../background/lockout.ts';
import { isSecurityMark, newSecurityMark, type SecurityMark } from '../overlay/security-mark.ts';
import type { Database } from './db.ts';
import type {
  ContactRecord,
  GuardRecord,
  SealedSessionRecord,
  SecurityEvent,
  SecurityEventKind,
  Settings,
  TransparencyRecord,
  VaultRecord,
} from './schema.ts';

/** Used when no server URL was set: https in production, the local `wrangler dev` in development builds. */
export const PRODUCTION_SERVER_URL = 'https://noise.email';
export const DEVELOPMENT_SERVER_URL = 'http://127.0.0.1:8787';

export function defaultSettings(development: boolean): Settings {
  return {
    serverUrl: development ? DEVELOPMENT_SERVER_URL : PRODUCTION_SERVER_URL,
    lockTimeoutMinutes: 30,
    defaultFormat: 'auto',
    keyServers: true,
  };
}

/** Keeps the security log bounded; the oldest entries go first. */
export const SECURITY_LOG_LIMIT = 1000;

export class Records {
  constructor(
    private readonly db: Database,
    private readonly defaults: Settings,
  ) {}

  // Settings and contacts are read on every overlay read (lock timeout, signer keys); this is
  // their only writer in the background, so copies in memory stay true and save a database
  // round trip each time (bench overlay).
  private settingsCopy: Settings | null = null;
  private contactsCopy: ContactRecord[] | null = null;

  async settings(): Promise<Settings> {
    if (!this.settingsCopy) {
      const stored = (await this.db.get('meta', 'settings')) as Partial<Settings> | undefined;
      this.settingsCopy = { ...this.defaults, ...stored };
    }
    return { ...this.settingsCopy };
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = { ...(await this.settings()), ...patch };
    this.settingsCopy = null;
    await this.db.put('meta', next, 'settings');
    this.settingsCopy = next;
    return { ...next };
  }

  /** This device's security mark, drawn on first use (it never leaves the extension). */
  async securityMark(): Promise<SecurityMark> {
    const stored = await this.db.get('meta', 'securityMark');
    if (isSecurityMark(stored)) return stored;
    return this.renewSecurityMark();
  }

  async renewSecurityMark(): Promise<SecurityMark> {
    const mark = newSecurityMark();
    await this.db.put('meta', mark, 'securityMark');
    return mark;
  }

  async guard(): Promise<GuardRecord> {
    return ((await this.db.get('meta', 'guard')) as GuardRecord | undefined) ?? { ...NO_GUARD };
  }

  async setGuard(guard: GuardRecord): Promise<void> {
    await this.db.put('meta', guard, 'guard');
  }

  /** The server session sealed at rest (background/session-store.ts), if any. */
  async sealedSession(): Promise<SealedSessionRecord | undefined> {
    const r = await this.db.get('meta', 'session');
    return (r as SealedSessionRecord | undefined)?.kind === 'sealed-session'
      ? (r as SealedSessionRecord)
      : undefined;
  }

  async putSealedSession(record: SealedSessionRecord | undefined): Promise<void> {
    if (record) await this.db.put('meta', record, 'session');
    else await this.db.delete('meta', 'session');
  }

  /** Key transparency state for a server (background/transparency.ts), if any. */
  async transparency(serverUrl: string): Promise<TransparencyRecord | undefined> {
    const r = await this.db.get('meta', `transparency:${serverUrl}`);
    return (r as TransparencyRecord | undefined)?.kind === 'transparency'
      ? (r as TransparencyRecord)
      : undefined;
  }

  async putTransparency(record: TransparencyRecord): Promise<void> {
    await this.db.put('meta', record, `transparency:${record.serverUrl}`);
  }

  vault(): Promise<VaultRecord | undefined> {
    return this.db.get('vault', 'self');
  }

  async putVault(record: VaultRecord): Promise<void> {
    await this.db.put('vault', record);
  }

  async log(kind: SecurityEventKind, detail = ''): Promise<void> {
    const tx = this.db.transaction('securityLog', 'readwrite');
    await tx.store.add({ at: Date.now(), kind, detail });
    const count = await tx.store.count();
    if (count > SECURITY_LOG_LIMIT) {
      let cursor = await tx.store.openCursor();
      for (let extra = count - SECURITY_LOG_LIMIT; cursor && extra > 0; extra--) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  /** Newest first. */
  async securityLog(limit = 200): Promise<SecurityEvent[]> {
    const all = await this.db.getAllFromIndex('securityLog', 'at');
    return all.reverse().slice(0, limit);
  }

  async contacts(): Promise<ContactRecord[]> {
    this.contactsCopy ??= await this.db.getAll('contacts');
    return this.contactsCopy.map((c) => ({ ...c }));
  }

  contact(address: string): Promise<ContactRecord | undefined> {
    return this.db.get('contacts', normalizeAddress(address));
  }

  async putContact(contact: ContactRecord): Promise<void> {
    this.contactsCopy = null;
    await this.db.put('contacts', { ...contact, address: normalizeAddress(contact.address) });
    this.contactsCopy = null;
  }

  async removeContact(address: string): Promise<boolean> {
    const key = normalizeAddress(address);
    this.contactsCopy = null;
    const had = (await this.db.count('contacts', key)) > 0;
    await this.db.delete('contacts', key);
    this.contactsCopy = null;
    return had;
  }
}
