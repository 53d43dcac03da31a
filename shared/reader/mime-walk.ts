// The walk over a mail's MIME tree (RFC 2045/2046, RFC 3156): every entity is sliced from the
// exact bytes (shared/pgp/mime-slice.ts), every protection layer opened where it stands, and
// every leaf comes out as a part or an attachment carrying the protection that covers it.
// "Johnny, you are fired" (USENIX Security 2019): nothing inherits a protection it is not under.

import type { EnvelopeVerdict } from '../envelope/verdict.ts';
import { NoiseError } from '../errors.ts';
import { splitMultipart } from '../pgp/mime-slice.ts';
import { verifyDetached } from '../pgp/signatures.ts';
import type { SignatureVerdict } from '../pgp/verdict.ts';
import { decodedBody, decodeText } from './body-decoding.ts';
import { type Entity, looksLikeEntity, messageHeaders, parameter, readEntity } from './entity.ts';
import { exchangeMangled, isArmoredMessage } from './exchange-layout.ts';
import { type OpenedLayer, openPgp, type ReaderKeys } from './layers.ts';
import type { ReadBudget } from './limits.ts';
import { common, inside } from './protection.ts';
import { htmlBody, textBody } from './text-parts.ts';
import type {
  EncryptionLayer,
  ForwardedInfo,
  MessageHeaders,
  Protection,
  ReadAttachment,
  ReadPart,
} from './types.ts';

export interface WalkContext {
  protection: Protection;
  forwarded?: ForwardedInfo;
  depth: number;
  /** The mail's own content root: not below a mixed multipart, a signature or a forward. */
  root: boolean;
}

/** Everything a walk has found so far, in display order. */
export class MailContent {
  parts: ReadPart[] = [];
  attachments: ReadAttachment[] = [];
  envelopes: EnvelopeVerdict[] = [];
  /** Headers of the first protected entity at the root, with what protected them. */
  protectedHeaders?: { headers: MessageHeaders; protection: Protection };
  /** An encryption layer was opened below the content root (docs/verdicts.md, nested encryption). */
  nestedEncryption = false;
  /** Encryption layers opened so far (their numbers go into Protection.encryptionIndex). */
  encryptionLayers = 0;
  /** Signatures made inside a forwarded message belong to it, not to the mail. */
  signatureOwners = new Map<SignatureVerdict, ForwardedInfo>();
}

const CONTROL_TYPES = new Set(['application/pgp-encrypted', 'application/pgp-signature']);

/** The OpenPGP file name or the attachment's, without the extension encryption added. */
function decryptedName(layer: OpenedLayer, name: string | undefined): string {
  if (layer.filename) return layer.filename;
  const base = (name ?? 'attachment').replace(/\.(?:asc|pgp|gpg)$/i, '');
  return base === '' ? 'attachment' : base;
}

export class MimeWalker {
  readonly out = new MailContent();
  constructor(
    readonly keys: ReaderKeys,
    readonly budget: ReadBudget,
  ) {}

  /** Records who the signatures of a layer belong to: the mail, or the forwarded message it is in. */
  owns(signatures: readonly SignatureVerdict[], ctx: WalkContext): void {
    if (ctx.forwarded) for (const s of signatures) this.out.signatureOwners.set(s, ctx.forwarded);
  }

  /** One MIME entity and everything below it. */
  async entity(bytes: Uint8Array, ctx: WalkContext): Promise<void> {
    this.budget.addMimePart(ctx.depth);
    const entity = readEntity(bytes);
    const type = entity.contentType.type;
    if (ctx.root && entity.contentType.params.get('protected-headers')?.toLowerCase() === 'v1') {
      const layered = ctx.protection.encrypted || ctx.protection.signatures.length > 0;
      if (layered && !this.out.protectedHeaders) {
        this.out.protectedHeaders = { headers: messageHeaders(entity.raw), protection: ctx.protection };
      }
    }
    if (type === 'multipart/encrypted') return this.encrypted(entity, ctx);
    if (type === 'multipart/signed') return this.signed(entity, ctx);
    if (type === 'message/rfc822' && entity.disposition !== 'attachment') return this.forward(entity, ctx);
    if (type.startsWith('multipart/')) return this.multipart(entity, ctx);
    return this.leaf(entity, ctx);
  }

  /** The decrypted (or verified) content of a layer: a MIME entity, or bare text or a file. */
  async content(layer: OpenedLayer, name: string | undefined, ctx: WalkContext): Promise<void> {
    if (looksLikeEntity(layer.data)) return this.entity(layer.data, ctx);
    const filename = layer.filename || undefined;
    const text = filename ? null : lenientText(layer.data);
    if (text !== null) return textBody(text, ctx, this);
    this.attachment(
      { filename: decryptedName(layer, name), contentType: 'application/octet-stream', data: layer.data },
      ctx,
    );
  }

  /** Opens an OpenPGP layer and walks its content with the protection it really gave. */
  async openLayer(
    data: Uint8Array,
    kind: EncryptionLayer,
    name: string | undefined,
    ctx: WalkContext,
    extra: { repaired?: 'exchange' } = {},
  ): Promise<void> {
    this.budget.addProtectedPart();
    const layer = await openPgp(data, this.keys, this.budget);
    await this.afterLayer(layer, kind, name, ctx, extra);
  }

  async afterLayer(
    layer: OpenedLayer,
    kind: EncryptionLayer,
    name: string | undefined,
    ctx: WalkContext,
    extra: { repaired?: 'exchange' } = {},
  ): Promise<void> {
    if (layer.envelope) this.out.envelopes.push(layer.envelope);
    this.owns(layer.signatures, ctx);
    if (layer.encrypted && !ctx.root) this.out.nestedEncryption = true;
    const protection = inside(ctx.protection, {
      ...(layer.encrypted
        ? { encrypted: kind, encryptionIndex: ++this.out.encryptionLayers }
        : { claimsEncryption: true }),
      signatures: layer.signatures,
      ...extra,
    });
    await this.content(layer, name, { ...ctx, protection, depth: ctx.depth + 1 });
  }

  /** RFC 3156 §4: a control part, then the OpenPGP message. */
  private async encrypted(entity: Entity, ctx: WalkContext): Promise<void> {
    const parts = splitMultipart(entity.raw.body, entity.contentType.params.get('boundary') ?? '');
    if (parts.length !== 2) throw new NoiseError('malformed', 'multipart/encrypted needs exactly two parts');
    this.budget.addMimePart(ctx.depth + 1);
    const data = readEntity(parts[1]!);
    await this.openLayer(decodedBody(data), 'pgp-mime', data.filename, ctx);
  }

  /**
   * RFC 3156 §5: the first part, byte for byte, is what the second part signs. A signature part
   * that was stripped leaves the content readable under "signature missing"; parts after the
   * second are not covered and keep only the outer protection.
   */
  private async signed(entity: Entity, ctx: WalkContext): Promise<void> {
    const parts = splitMultipart(entity.raw.body, entity.contentType.params.get('boundary') ?? '');
    if (parts.length === 0) throw new NoiseError('malformed', 'multipart/signed without parts');
    const signature = parts[1] ? readEntity(parts[1]) : undefined;
    // RFC 3156 §5: the protocol parameter names the signature type; its part is checked as such.
    const isPgp =
      signature !== undefined &&
      (signature.contentType.type === 'application/pgp-signature' ||
        entity.contentType.params.get('protocol')?.toLowerCase() === 'application/pgp-signature');
    const inner = { ...ctx, depth: ctx.depth + 1, root: false };
    if (!isPgp) {
      // Not a signature we can check (absent, or S/MIME): the content, said to be unchecked.
      await this.entity(parts[0]!, {
        ...inner,
        protection: inside(ctx.protection, { signatureMissing: true }),
      });
      for (const rest of parts.slice(1)) await this.entity(rest, inner);
      return;
    }
    this.budget.addProtectedPart();
    this.budget.addMimePart(ctx.depth + 1);
    const { signatures } = await verifyDetached({
      data: parts[0]!,
      signature: decodedBody(signature!),
      verificationKeys: this.keys.verificationKeys ?? [],
    });
    this.owns(signatures, ctx);
    const protection = inside(ctx.protection, { signatures });
    await this.entity(parts[0]!, { ...inner, root: ctx.root, protection });
    for (const rest of parts.slice(2)) await this.entity(rest, inner);
  }

  /** A forwarded message: its own headers, and signatures that are its sender's, not the mail's. */
  private async forward(entity: Entity, ctx: WalkContext): Promise<void> {
    const inner = readEntity(entity.raw.body);
    const headers = messageHeaders(inner.raw);
    const forwarded: ForwardedInfo = {
      depth: (ctx.forwarded?.depth ?? 0) + 1,
      ...(headers.from ? { from: headers.from } : {}),
      ...(headers.subject !== undefined ? { subject: headers.subject } : {}),
      ...(headers.date !== undefined ? { date: headers.date } : {}),
    };
    await this.entity(entity.raw.body, { ...ctx, forwarded, depth: ctx.depth + 1, root: false });
  }

  private async multipart(entity: Entity, ctx: WalkContext): Promise<void> {
    const parts = splitMultipart(entity.raw.body, entity.contentType.params.get('boundary') ?? '');
    const exchange = exchangeMangled(entity, parts);
    if (exchange) {
      // Exchange/Outlook rebuilt multipart/encrypted as multipart/mixed: put it back, as
      // Thunderbird and gpg do; the empty text part it added is dropped.
      this.budget.addMimePart(ctx.depth + 1);
      await this.openLayer(decodedBody(exchange), 'pgp-mime', exchange.filename, ctx, {
        repaired: 'exchange',
      });
      return;
    }
    const inner = { ...ctx, depth: ctx.depth + 1, root: ctx.root && parts.length === 1 };
    if (entity.contentType.type === 'multipart/alternative') return this.alternative(parts, inner);
    for (const part of parts) await this.entity(part, inner);
  }

  /**
   * RFC 2046 §5.1.4: renderings of the same content, the last one preferred. One part comes out,
   * with the text of the plain rendering and the HTML of the rich one, under only the protection
   * both share. An alternative holding armor gives its parts; another that says more than the
   * armor is kept after them as content of its own.
   */
  private async alternative(parts: Uint8Array[], ctx: WalkContext): Promise<void> {
    const renderings: ReadPart[][] = [];
    for (const part of parts) {
      const sub = new MimeWalker(this.keys, this.budget);
      sub.out.encryptionLayers = this.out.encryptionLayers;
      await sub.entity(part, ctx);
      this.out.encryptionLayers = sub.out.encryptionLayers;
      this.out.attachments.push(...sub.out.attachments);
      this.out.envelopes.push(...sub.out.envelopes);
      this.out.nestedEncryption ||= sub.out.nestedEncryption;
      for (const [k, v] of sub.out.signatureOwners) this.out.signatureOwners.set(k, v);
      this.out.protectedHeaders ??= sub.out.protectedHeaders;
      if (sub.out.parts.length > 0) renderings.push(sub.out.parts);
    }
    const layered = renderings.find((r) => r.length > 1 || r.some((p) => p.protection !== ctx.protection));
    if (layered) {
      this.out.parts.push(...layered);
      for (const other of renderings) {
        if (other !== layered && other.some((p) => /[^\s>]/.test(p.text) && !sameText(p, layered))) {
          this.out.parts.push(...other);
        }
      }
      return;
    }
    const plain = renderings.find((r) => r.length === 1 && r[0]!.html === undefined)?.[0];
    const rich = [...renderings].reverse().find((r) => r.length === 1 && r[0]!.html !== undefined)?.[0];
    if (plain && rich) {
      this.out.parts.push({
        ...rich,
        text: plain.text,
        protection: common(plain.protection, rich.protection),
      });
    } else if (renderings.length > 0) this.out.parts.push(...renderings[renderings.length - 1]!);
  }

  private async leaf(entity: Entity, ctx: WalkContext): Promise<void> {
    const type = entity.contentType.type;
    if (CONTROL_TYPES.has(type)) return;
    const data = decodedBody(entity);
    const isText = type === 'text/plain' || type === 'text/html';
    if (isText && entity.disposition !== 'attachment') {
      const text = decodeText(data, parameter(entity.contentType.params, 'charset'));
      return type === 'text/html' ? htmlBody(text, ctx, this) : textBody(text, ctx, this);
    }
    if (isArmoredMessage(data)) {
      // An encrypted attachment (file.asc): opened like any layer, below the content root.
      await this.openLayer(data, 'pgp-attachment', entity.filename, { ...ctx, root: false });
      return;
    }
    this.attachment({ filename: entity.filename ?? 'attachment', contentType: type, data }, ctx);
  }

  attachment(a: { filename: string; contentType: string; data: Uint8Array }, ctx: WalkContext): void {
    this.out.attachments.push({
      ...a,
      protection: ctx.protection,
      ...(ctx.forwarded ? { forwarded: ctx.forwarded } : {}),
    });
  }
}

function sameText(part: ReadPart, others: readonly ReadPart[]): boolean {
  const squash = (t: string) => t.replace(/\s+/g, ' ').trim();
  const text = squash(part.text);
  return others.some((o) => squash(o.text) === text);
}

/** Decrypted data shown as text when it is UTF-8 without NUL bytes; else it is a file. */
function lenientText(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/\r\n?/g, '\n');
  } catch {
    return null;
  }
}
