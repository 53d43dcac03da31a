// What the overlay ports ask of the keys: read a displayed message (through shared/reader) for
// the read frame, and encrypt a composed message for the compose frame. Pure functions over injected key
// sources, so they run the same in the background and in Node tests with real openpgp.js.
// No plaintext leaves here except in the returned view, which only the read frame receives.

import type { PrivateKey, PublicKey } from 'openpgp';
import { normalizeAddress, uniqueAddresses } from '../../shared/address.ts';
import { type ArmorKind, findArmor } from '../../shared/armor/index.ts';
import { fromUtf8, utf8 } from '../../shared/encoding.ts';
import {
  armorEnvelope,
  fingerprintHex,
  identitySecretFromJson,
  type RecipientBundle,
  sealBytes,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { NoiseError } from '../../shared/errors.ts';
import { encryptMessage } from '../../shared/pgp/encrypt.ts';
import { readKeyInfo, readPublicKey, unlockPrivateKey } from '../../shared/pgp/keys.ts';
import { buildInnerEntity, type MailAttachment } from '../../shared/pgp/mime-build.ts';
import { type EnvelopeKeys, readMessage } from '../../shared/reader/index.ts';
import type { KeyStatus, ReadView } from '../overlay/protocol.ts';
import type { PinView } from './envelope-pins.ts';
import { ExtensionError } from './errors.ts';
import type { IdentitySecrets } from './identity.ts';
import type { EnvelopeReading } from './prekey-custody.ts';
import { messageView } from './read-view.ts';

/** A directory answer refused by the transparency checks (or the alarm they raised). */
function isTransparencyFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'transparency_failed' || code === 'transparency_alarm';
}

export interface ContactKey {
  address: string;
  armoredKey: string;
  fingerprint: string;
  source: string;
}

/** Where the overlay finds keys; the background wires these to custody, contacts and directory. */
export interface OverlayKeySource {
  /** The unlocked identity, or null when locked. */
  secrets(): Promise<IdentitySecrets | null>;
  contacts(): Promise<ContactKey[]>;
  /** What the key directory holds for the address (no prekey is spent), or null; `fresh` skips reuse. */
  lookup(address: string, opts?: { fresh?: boolean }): Promise<DirectoryEntry | null>;
  /** Fetches (and so spends) a native envelope prekey bundle, or null when there is none. */
  bundle(address: string): Promise<RecipientBundle | null>;
  /** The envelope identity fingerprint the directory binds to an address (uppercase hex), or null. */
  envelopeFingerprint(address: string): Promise<string | null>;
  /**
   * Keys and options for opening one envelope (prekey-custody.ts: replay ledger, deletion of the
   * one-time prekey, kept copy), or null when locked. `delivery` names the carrying message.
   */
  envelopeReading(read: {
    delivery: string | null;
    senderFingerprint: string | null;
  }): Promise<EnvelopeReading | null>;
  /**
   * The contact's pinned envelope identity against the one seen now (envelope-pins.ts); with
   * `pinIfNew`, an address without a pin gets this one (creating the contact from
   * `openpgpKey`). Null when there is no pin (and none was made).
   */
  envelopePin(
    address: string,
    seen: string,
    opts: { pinIfNew: boolean; openpgpKey: string | null },
  ): Promise<PinView | null>;
}

export interface DirectoryEntry {
  fingerprint: string;
  openpgpKey: string;
  /** The account publishes native envelope prekeys. */
  envelope: boolean;
  /** When the transparency log recorded this key for the address (transparency-v1 §9.1), Unix ms. */
  keyLoggedAt?: number;
}

/**
 * The unlocked OpenPGP key, kept per fingerprint: unlocking (S2K) is the slow part of a warm read.
 * Also the contacts' public keys, parsed once: parsing every contact's armored key again on each
 * read cost about 1.3 ms per contact (20 contacts: a 10 KB read went from 4 ms to 30 ms, Node).
 */
export class UnlockedKeyCache {
  /** In flight or done, so a read arriving while the key is being unlocked waits for that unlock. */
  private key: { fingerprint: string; unlocked: Promise<PrivateKey> } | null = null;
  /** Our own public key, read from the armored private key without unlocking it. */
  private own: { fingerprint: string; publicKey: Promise<PublicKey> } | null = null;
  private parsed = new Map<string, Promise<PublicKey>>();
  async get(secrets: IdentitySecrets): Promise<PrivateKey> {
    if (this.key?.fingerprint === secrets.pgp.fingerprint) return this.key.unlocked;
    const entry = {
      fingerprint: secrets.pgp.fingerprint,
      unlocked: unlockPrivateKey(secrets.pgp.privateKey, secrets.pgp.keyPassphrase),
    };
    this.key = entry;
    // A failed unlock is not kept: the next read tries again.
    entry.unlocked.catch(() => {
      if (this.key === entry) this.key = null;
    });
    return entry.unlocked;
  }
  /**
   * Our own public key, to verify our own signatures (Sent mail). Read from the armored key's
   * public parts: a read that decrypts nothing with the private key never unlocks it.
   */
  ownPublicKey(secrets: IdentitySecrets): Promise<PublicKey> {
    if (this.own?.fingerprint === secrets.pgp.fingerprint) return this.own.publicKey;
    const entry = { fingerprint: secrets.pgp.fingerprint, publicKey: readPublicKey(secrets.pgp.privateKey) };
    this.own = entry;
    entry.publicKey.catch(() => {
      if (this.own === entry) this.own = null;
    });
    return entry.publicKey;
  }
  /** The given armored public keys, parsed; keys no longer asked for are dropped. */
  publicKeys(armored: readonly string[]): Promise<PublicKey[]> {
    const next = new Map<string, Promise<PublicKey>>();
    for (const a of armored) {
      let p = this.parsed.get(a) ?? next.get(a);
      if (!p) {
        p = readPublicKey(a);
        // A key that failed to parse is tried again next time rather than kept as a failure.
        p.catch(() => this.parsed.delete(a));
      }
      next.set(a, p);
    }
    this.parsed = next;
    return Promise.all(armored.map((a) => next.get(a) as Promise<PublicKey>));
  }
  clear(): void {
    this.key = null;
    this.own = null;
  }
}

/** What a read needs of the key cache (UnlockedKeyCache, or a wrapper that watches it). */
export type ReadKeyCache = Pick<UnlockedKeyCache, 'get' | 'ownPublicKey' | 'publicKeys'>;

/**
 * Locked is not "this message is not for your key": the next step differs (unlock here, or ask
 * the sender), so the frames show it as its own state with an unlock field (docs/verdicts.md).
 */
function lockedError(): ExtensionError {
  return new ExtensionError('locked', 'The extension is locked: unlock it to read or write encrypted mail.');
}

export interface ReadRequest {
  kind: ArmorKind;
  /**
   * The element's text as the page shows it (the block and what stands around it), or the bytes
   * of a whole mail (the inbox page).
   */
  text: string | Uint8Array;
  displayedSender: string | null;
  /** The webmail's id of the message showing the block, if any (envelope-v1 §4.6 re-reads). */
  delivery?: string | null;
  clipped: boolean;
  fullViewUrl: string | null;
}

/** Wall-clock budget of one read in the background (docs/limits.md). */
export const READ_BUDGET_MS = 30_000;

/**
 * The first public key block in a text, for import; otherwise the text as given, which key
 * parsing then refuses (a secret key as `secret_key_material`, anything else as malformed).
 */
export function keyBlockOf(text: string): string {
  return findArmor(text).find((b) => b.kind === 'pgp-public-key')?.armored ?? text;
}

/**
 * The reader's envelope keys from the device's prekey custody (prekey-custody.ts: the replay
 * ledger, deletion of a used one-time prekey, the kept copy for re-reads); null means locked.
 */
function envelopeKeys(reading: EnvelopeReading | null): EnvelopeKeys {
  if (!reading) throw lockedError();
  return { recipients: [reading.keys], options: reading.options };
}

/**
 * Reads the text of one displayed message through shared/reader: every block in it opened, the
 * text around them kept as unprotected parts. Any failure (tampering, no integrity, not for us,
 * too large) throws NoiseError before any plaintext is returned: the view is all or nothing.
 */
export async function readBlock(
  req: ReadRequest,
  keys: OverlayKeySource,
  cache: ReadKeyCache,
): Promise<ReadView> {
  if (req.kind === 'pgp-public-key') {
    const info = await readKeyInfo(keyBlockOf(typeof req.text === 'string' ? req.text : fromUtf8(req.text)));
    if (info.isPrivate)
      throw new NoiseError('secret_key_material', 'This block holds a secret key; it is not imported.');
    return {
      kind: 'key',
      fingerprint: info.fingerprint,
      userIds: info.userIds.map((u) => u.raw),
      created: info.created.getTime(),
      canEncrypt: info.canEncrypt,
      imported: (await keys.contacts()).some((c) => c.fingerprint === info.fingerprint),
    };
  }
  const contacts = await keys.contacts();
  const secrets = await keys.secrets();
  const verificationKeys: PublicKey[] = await cache.publicKeys(contacts.map((c) => c.armoredKey));
  // Our own key verifies what we signed (Sent mail); a locked identity still verifies contacts.
  if (secrets) verificationKeys.push(await cache.ownPublicKey(secrets));
  const unlocked = async () => {
    if (!secrets) throw lockedError();
    return secrets;
  };
  // The sender's identity counts as bound to the displayed address only when the directory says
  // so (envelope-v1 §4: senderFingerprint); otherwise the signer stays "unknown address".
  let senderFingerprint: string | null = null;
  let senderRefused: string | null = null;
  const result = await readMessage(
    req.text,
    {
      decryptionKeys: async () => [await cache.get(await unlocked())],
      verificationKeys,
      envelope: async () => {
        await unlocked();
        senderFingerprint = req.displayedSender
          ? await keys.envelopeFingerprint(req.displayedSender).catch((e: unknown) => {
              // The sender's identity stays unconfirmed; the verdict says why (transparency.ts).
              if (isTransparencyFailure(e)) senderRefused = (e as Error).message;
              return null;
            })
          : null;
        return envelopeKeys(
          await keys.envelopeReading({ delivery: req.delivery ?? null, senderFingerprint }),
        );
      },
    },
    { displayedSender: req.displayedSender, limits: { budgetMs: READ_BUDGET_MS } },
  );
  const view = messageView(result, req);
  if (senderRefused !== null && view.kind === 'message')
    view.verdict.warnings.push({ code: 'sender_transparency_failed', reason: senderRefused });
  const signer = result.envelopes[0]?.sender.fingerprint;
  const pin = signer ? await senderPin(req, signer, senderFingerprint, keys) : null;
  if (pin && view.kind === 'message') {
    view.verdict.identityPin = pin;
    // A signer other than the pinned identity is not "the sender" until the user accepts it.
    if (pin.state === 'changed') view.verdict.signedBySender = false;
  }
  return view;
}

/**
 * The displayed sender's pinned envelope identity against the envelope's signer (envelope-pins.ts).
 * A first sight is pinned only when the directory binds that identity to the address.
 */
async function senderPin(
  req: ReadRequest,
  signer: string,
  directoryBinds: string | null,
  keys: OverlayKeySource,
): Promise<PinView | null> {
  if (!req.displayedSender) return null;
  const confirmed = directoryBinds === signer;
  const entry = confirmed ? await keys.lookup(req.displayedSender).catch(() => null) : null;
  return keys
    .envelopePin(req.displayedSender, signer, { pinIfNew: confirmed, openpgpKey: entry?.openpgpKey ?? null })
    .catch(() => null);
}

/**
 * Key status per address: native when the directory binds an envelope identity that is the pinned
 * one (or none is pinned yet: it is pinned when the message is sealed), else a pinned PGP contact.
 * A changed envelope identity never gets a native message: OpenPGP to the pinned key, with the
 * change shown (envelope-pins.ts).
 */
export async function keyStatuses(
  addresses: readonly string[],
  keys: OverlayKeySource,
): Promise<KeyStatus[]> {
  const contacts = await keys.contacts();
  return Promise.all(
    addresses.map(async (raw): Promise<KeyStatus> => {
      const address = normalizeAddress(raw);
      const contact = contacts.find((c) => c.address === address);
      // Asked afresh: a changed identity must show before anything is sealed to it. An answer
      // whose transparency proof fails is refused with its reason, never used (transparency.ts).
      let refused: string | null = null;
      const entry = await keys.lookup(address, { fresh: true }).catch((e: unknown) => {
        if (isTransparencyFailure(e)) refused = (e as Error).message;
        return null;
      });
      if (refused !== null) return { address, kind: 'refused', reason: refused };
      // A pinned contact wins over a directory key that differs from it (TOFU, contacts.ts).
      const pinned = contact?.fingerprint ?? entry?.fingerprint;
      let envelopeChanged: { pinned: string; seen: string } | undefined;
      if (entry?.envelope) {
        const seen = await keys.envelopeFingerprint(address).catch(() => null);
        const pin = seen
          ? await keys.envelopePin(address, seen, { pinIfNew: false, openpgpKey: null })
          : null;
        if (seen && pin?.state === 'changed') envelopeChanged = { pinned: pin.pinned, seen };
        else if (seen && (!contact || contact.fingerprint === entry.fingerprint))
          return {
            address,
            kind: 'native',
            fingerprint: pinned ?? '',
            envelope: { fingerprint: seen, pin: pin && pin.state !== 'changed' ? pin.state : 'new' },
          };
      }
      const changed = envelopeChanged ? { envelopeChanged } : {};
      if (contact)
        return { address, kind: 'pgp', fingerprint: contact.fingerprint, source: contact.source, ...changed };
      if (entry)
        return { address, kind: 'pgp', fingerprint: entry.fingerprint, source: 'directory', ...changed };
      return { address, kind: 'none' };
    }),
  );
}

/**
 * The bundle to seal to: its identity must be the one the status showed (the directory's lookup,
 * which is pinned now if it was new), so a directory that answers the bundle request with another
 * identity is refused rather than trusted.
 */
async function pinnedBundle(status: Extract<KeyStatus, { kind: 'native' }>, keys: OverlayKeySource) {
  const b = await keys.bundle(status.address);
  if (!b) throw new NoiseError('not_found', `The directory has no bundle for ${status.address} any more.`);
  const seen = fingerprintHex(b.identity);
  const entry = await keys.lookup(status.address).catch(() => null);
  const pin =
    seen === status.envelope.fingerprint
      ? await keys.envelopePin(status.address, seen, {
          pinIfNew: true,
          openpgpKey: entry?.openpgpKey ?? null,
        })
      : null;
  if (seen !== status.envelope.fingerprint || pin?.state === 'changed')
    throw new NoiseError(
      'key_unusable',
      `The envelope identity of ${status.address} is not the pinned one: nothing was sent. Check the recipients again.`,
    );
  return b;
}

export interface ComposeRequest {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  sign: boolean;
  attachments: MailAttachment[];
}

export interface Encrypted {
  format: 'native' | 'pgp';
  armored: string;
}

/**
 * Encrypts a composed message to every recipient (and to the sender). Native when every
 * recipient has a bundle, else OpenPGP. Any recipient without a key is refused: plaintext is
 * never sent silently. The subject travels inside (protected headers); Bcc is never written
 * into the encrypted headers.
 */
export async function encryptCompose(
  req: ComposeRequest,
  keys: OverlayKeySource,
  cache: UnlockedKeyCache,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Encrypted> {
  const secrets = await keys.secrets();
  if (!secrets) throw lockedError();
  const all = uniqueAddresses([...req.to, ...req.cc, ...req.bcc]);
  if (all.length === 0) throw new NoiseError('invalid_argument', 'Add at least one recipient.');
  const statuses = await keyStatuses(all, keys);
  const refused = statuses.flatMap((s) => (s.kind === 'refused' ? [s.reason] : []));
  if (refused.length > 0) throw new NoiseError('key_unusable', refused.join(' '));
  const missing = statuses.filter((s) => s.kind === 'none').map((s) => s.address);
  if (missing.length > 0)
    throw new NoiseError('key_unusable', `No key for ${missing.join(', ')}: remove them first.`);
  const entity = buildInnerEntity(
    {
      from: { address: secrets.address },
      to: req.to.map((address) => ({ address })),
      cc: req.cc.map((address) => ({ address })),
      subject: req.subject,
      text: req.text,
      attachments: req.attachments,
    },
    { protectedHeaders: true },
  );
  const total = utf8(entity).length;
  onProgress(0, total);
  const native = req.sign && statuses.every((s) => s.kind === 'native');
  if (native) {
    const bundles: RecipientBundle[] = [];
    for (const s of statuses) if (s.kind === 'native') bundles.push(await pinnedBundle(s, keys));
    const current = secrets.envelope.signedPrekeys[0];
    if (!current) throw new NoiseError('key_unusable', 'No signed prekey.');
    const sealed = await sealBytes(
      utf8(entity),
      {
        address: secrets.address,
        deviceId: '',
        identity: identitySecretFromJson(secrets.envelope.identity),
        signedPrekey: signedPrekeySecretFromJson(current),
      },
      bundles,
    );
    onProgress(total, total);
    return { format: 'native', armored: armorEnvelope(sealed) };
  }
  const contacts = await keys.contacts();
  const recipients = await Promise.all(
    all.map(async (a) => {
      const key = contacts.find((k) => k.address === a)?.armoredKey ?? (await keys.lookup(a))?.openpgpKey;
      if (!key) throw new NoiseError('key_unusable', `No OpenPGP key for ${a}.`);
      return key;
    }),
  );
  const armored = await encryptMessage(entity, {
    recipients,
    signingKey: await cache.get(secrets),
    sign: req.sign,
  });
  onProgress(total, total);
  return { format: 'pgp', armored };
}
