// The registered inbox in the background: the inbox page's commands (messages/inbox-protocol.ts),
// the new-mail poll behind the toolbar badge and notifications, and the re-encryption after a key
// rotation. Keys stay in here; plaintext goes only to our own inbox page (the router's check).

import type { InboxCommand, InboxOverview, RotationView } from '../../messages/inbox-protocol.ts';
import type { Handlers } from '../../messages/protocol.ts';
import type { Database } from '../../store/db.ts';
import { InboxRecords } from '../../store/inbox-records.ts';
import type { Records } from '../../store/records.ts';
import type { AccountSecrets } from '../account.ts';
import type { Custody } from '../custody.ts';
import { ExtensionError } from '../errors.ts';
import { UnlockedKeyCache } from '../overlay-crypto.ts';
import { createDirectoryLookups } from '../overlay-directory.ts';
import { createOverlayKeySource } from '../overlay-keys.ts';
import type { PrekeyCustody } from '../prekey-custody.ts';
import { type AccountServer, serverCall } from '../server.ts';
import { createTransparency } from '../transparency.ts';
import { claimInbox, releaseInbox } from './claim.ts';
import { inboxKeys } from './keyring.ts';
import { inboxKeyring, rotateInboxKey, syncInboxKeyring } from './keyring-custody.ts';
import { type InboxPlatform, NewMail } from './new-mail.ts';
import { InboxReader } from './reading.ts';
import { continueRotation, newRotation } from './rotation.ts';
import { InboxSearch } from './search-index.ts';
import { SearchStore } from './search-store.ts';
import { sendingHandlers } from './sending.ts';
import type { StoredKeySource } from './stored-objects.ts';
import { searchDocOf } from './views.ts';

export type InboxHandlers = Pick<Handlers, InboxCommand>;

export interface InboxDeps {
  db: Database;
  records: Records;
  custody: Custody<AccountSecrets>;
  server: AccountServer;
  prekeys: Promise<PrekeyCustody>;
  platform?: InboxPlatform;
}

export function createInboxService(deps: InboxDeps) {
  const { records, custody, server } = deps;
  const inboxRecords = new InboxRecords(deps.db);
  const keyringDeps = { records, custody, server };
  const cache = new UnlockedKeyCache();
  async function unlocked(): Promise<AccountSecrets> {
    const s = await custody.current();
    if (!s) throw new ExtensionError('locked', 'Unlock first.');
    return s;
  }
  const keys: StoredKeySource = {
    ring: () => inboxKeyring(keyringDeps),
    refreshRing: () => syncInboxKeyring(keyringDeps),
    privateKey: async () => cache.get((await unlocked()).identity),
  };
  const directory = createDirectoryLookups(
    async () => (await records.settings()).serverUrl,
    (url) => server.anonymous(url),
    // Every directory answer's transparency proof is checked (transparency.ts).
    createTransparency({ records, log: (url) => server.anonymous(url).log }),
  );
  const overlayKeys = createOverlayKeySource({
    records: Promise.resolve(records),
    custody,
    directory,
    prekeys: deps.prekeys,
  });
  const reader = new InboxReader(keys, overlayKeys, cache);
  const searchStore = new SearchStore(deps.db);
  const search = new InboxSearch(searchStore, keys.ring);
  const newMail = new NewMail(inboxRecords, reader, deps.platform);
  custody.onLock(() => {
    cache.clear();
    reader.clear();
    search.clear();
  });

  async function api() {
    await unlocked();
    const record = await records.vault();
    if (!record) throw new ExtensionError('no_account', 'No account on this device.');
    return { record, api: server.api(record.serverUrl) };
  }

  async function overview(): Promise<InboxOverview> {
    const { record, api: client } = await api();
    const [o, settings, poll] = await Promise.all([
      serverCall(record.serverUrl, () => client.inbox.overview()),
      inboxRecords.settings(),
      inboxRecords.poll(record.address),
    ]);
    return {
      inboxes: o.inboxes.map((i) => ({
        address: i.address,
        bytes: i.bytes,
        messages: i.messages,
        unread: poll.inboxes[i.address]?.unread.length ?? 0,
      })),
      quota: o.quota,
      account: record.address,
      pollSeconds: settings.pollSeconds,
      notify: settings.notify,
    };
  }

  async function rotationView(): Promise<RotationView> {
    const [rec, secrets] = await Promise.all([inboxRecords.rotation(), custody.current()]);
    return {
      running: !!rec && rec.finishedAt === null,
      moved: rec?.moved ?? 0,
      failed: rec?.failed ?? 0,
      startedAt: rec?.startedAt ?? null,
      finishedAt: rec?.finishedAt ?? null,
      keys: secrets?.inbox ? inboxKeys(secrets.inbox).length : 0,
    };
  }

  /** Moves stored objects to the current key for a while; the poll alarm goes on with it. */
  async function rotateSome(budgetMs?: number): Promise<void> {
    const { api: client } = await api();
    await continueRotation({ api: client, records: inboxRecords, keys, search: searchStore }, budgetMs);
  }

  const handlers: InboxHandlers = {
    async 'inbox.overview'() {
      // The page opening is a good moment to look for new mail (the badge follows).
      poll().catch(() => {});
      return overview();
    },
    async 'inbox.list'({ address, folder, before, limit }) {
      const { record, api: client } = await api();
      const page = await serverCall(record.serverUrl, () =>
        client.inbox.list(address, {
          ...(folder ? { folder } : {}),
          ...(before ? { before } : {}),
          limit: limit ?? 50,
        }),
      );
      return { messages: await reader.rows(address, page.messages), next: page.next };
    },
    async 'inbox.open'({ address, id }) {
      const { record, api: client } = await api();
      const opened = await serverCall(record.serverUrl, () => reader.open(client, address, id));
      if (!opened.row.read) {
        const flagged = await serverCall(record.serverUrl, () =>
          client.inbox.setFlags(address, id, { read: true }),
        );
        opened.row = await reader.row(address, flagged);
        await newMail.noteRead(record.address, address, id, true);
      }
      await search.add(searchDocOf(opened.row, opened.view)).catch(() => {});
      return opened;
    },
    'inbox.progress': async ({ address, id }) => reader.progressOf(address, id),
    async 'inbox.attachment'({ address, id, index, offset }) {
      await unlocked();
      const piece = reader.attachmentPiece(address, id, index, offset);
      if (!piece)
        throw new ExtensionError('not_found', 'Open the message again to download this attachment.');
      return piece;
    },
    async 'inbox.flags'({ address, id, read, starred }) {
      const { record, api: client } = await api();
      const m = await serverCall(record.serverUrl, () =>
        client.inbox.setFlags(address, id, {
          ...(read !== undefined ? { read } : {}),
          ...(starred !== undefined ? { starred } : {}),
        }),
      );
      if (read !== undefined) await newMail.noteRead(record.address, address, id, read);
      return reader.row(address, m);
    },
    async 'inbox.delete'({ address, id }) {
      const { record, api: client } = await api();
      await serverCall(record.serverUrl, () => client.inbox.remove(address, id));
      reader.forget(address, id);
      await newMail.noteRead(record.address, address, id, true);
      await search.remove(address, id).catch(() => {});
      return { deleted: true as const };
    },
    async 'inbox.search'({ query, limit }) {
      await unlocked();
      return { hits: await search.search(query, limit ?? 50) };
    },
    async 'inbox.claim'({ address }) {
      await claimInbox(keyringDeps, address);
      await newMail.relist((await api()).record.address);
      return overview();
    },
    async 'inbox.release'({ address }) {
      await releaseInbox(keyringDeps, address);
      await search.removeAddress(address).catch(() => {});
      await newMail.relist((await api()).record.address);
      return overview();
    },
    async 'inbox.rotateKey'() {
      const ring = await rotateInboxKey(keyringDeps);
      const addresses = (await overview()).inboxes.map((i) => i.address);
      await inboxRecords.putRotation(newRotation(inboxKeys(ring)[0]!.id, addresses));
      rotateSome().catch((e) => console.warn('inbox re-encryption paused; the poll goes on with it', e));
      return rotationView();
    },
    'inbox.rotation': rotationView,
    ...sendingHandlers({ unlocked, api, keys: overlayKeys, cache, ring: keys.ring, reader }),
    async 'inbox.settings'(patch) {
      const s = await inboxRecords.updateSettings(patch);
      deps.platform?.schedulePoll(s.pollSeconds);
      return { pollSeconds: s.pollSeconds, notify: s.notify };
    },
  };

  /**
   * The poll alarm: new mail, the badge, and any re-encryption still to do. Locked, only the watch
   * tokens are asked (new-mail.ts): no session, no names.
   */
  async function poll(): Promise<void> {
    if (!(await custody.current())) {
      const locked = await records.vault();
      if (locked) await newMail.pollLocked(server.anonymous(locked.serverUrl), locked.address);
      return;
    }
    const { record, api: client } = await api();
    await newMail.poll(client, record.address);
    if ((await inboxRecords.rotation())?.finishedAt === null) await rotateSome();
  }

  return { handlers, poll, settings: () => inboxRecords.settings() };
}
