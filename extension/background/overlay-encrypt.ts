// What the compose port asks of the keys (overlay-compose-port.ts): each recipient's key status,
// and the composed message encrypted to all of them (native envelope or OpenPGP, never plaintext).
// Envelope identities are checked against the contact's pin before anything is sealed
// (envelope-pins.ts, docs/spec/envelope-v1.md).

import { normalizeAddress, uniqueAddresses } from '../../shared/address.ts';
import { utf8 } from '../../shared/encoding.ts';
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
import { buildInnerEntity, type MailAttachment } from '../../shared/pgp/mime-build.ts';
import type { KeyStatus } from '../overlay/protocol.ts';
import {
  isTransparencyFailure,
  lockedError,
  type OverlayKeySource,
  type UnlockedKeyCache,
} from './overlay-crypto.ts';

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
