// The extension's store for the one API client's session (shared/api/session-store.ts). The
// tokens live in storage.session (memory only, survives service-worker restarts, gone when the
// browser closes) and, sealed under a key from the vault (local-keys.ts, read-cache-v1 entry
// sealing), in IndexedDB, so neither a browser restart nor a lock/unlock makes a new server
// session while the refresh token is valid. Locked, only the sealed copy remains, and nothing
// can open it without the passphrase.

import type { SessionTokens } from '../../shared/api/accounts.ts';
import { SessionTokens as SessionTokensSchema } from '../../shared/api/accounts.ts';
import type { SessionStore } from '../../shared/api/session-store.ts';
import { fromUtf8, utf8 } from '../../shared/encoding.ts';
import { entryId, openEntry, sealEntry } from '../../shared/read-cache/index.ts';
import type { Records } from '../store/records.ts';
import type { SessionArea } from './custody.ts';

const AREA_KEY = 'noise-api-session';
const LOOKUP = utf8('server session');

export class ExtensionSessionStore implements SessionStore {
  constructor(
    private readonly area: SessionArea,
    private readonly records: Records,
    /** The sealing key while unlocked (local-keys.ts 'session'), else null. */
    private readonly sealingKey: () => Promise<Uint8Array | null>,
  ) {}

  async get(): Promise<SessionTokens | undefined> {
    const held = await this.area.get<SessionTokens>(AREA_KEY);
    if (held) return held;
    const [key, vault, sealed] = await Promise.all([
      this.sealingKey(),
      this.records.vault(),
      this.records.sealedSession(),
    ]);
    if (!key || !vault || !sealed || sealed.address !== vault.address) return undefined;
    try {
      const plain = await openEntry(key, entryId(key, LOOKUP), sealed.entry);
      const tokens = SessionTokensSchema.parse(JSON.parse(fromUtf8(plain)));
      await this.area.set(AREA_KEY, tokens);
      return tokens;
    } catch {
      // Sealed under another identity's key, or damaged: as good as none (a login follows).
      await this.records.putSealedSession(undefined);
      return undefined;
    }
  }

  async set(tokens: SessionTokens | undefined): Promise<void> {
    if (!tokens) {
      await this.area.remove(AREA_KEY);
      await this.records.putSealedSession(undefined);
      return;
    }
    await this.area.set(AREA_KEY, tokens);
    await this.sealAtRest(tokens);
  }

  /** Seals what storage.session holds (after an unlock: registration stored it while locked). */
  async sealHeld(): Promise<void> {
    const held = await this.area.get<SessionTokens>(AREA_KEY);
    if (held) await this.sealAtRest(held);
  }

  /** On lock: only the sealed copy stays. */
  async forgetUnsealed(): Promise<void> {
    await this.area.remove(AREA_KEY);
  }

  private async sealAtRest(tokens: SessionTokens): Promise<void> {
    const [key, vault] = await Promise.all([this.sealingKey(), this.records.vault()]);
    if (!key || !vault) return;
    const entry = await sealEntry(key, entryId(key, LOOKUP), utf8(JSON.stringify(tokens)));
    await this.records.putSealedSession({ kind: 'sealed-session', address: vault.address, entry });
  }
}
