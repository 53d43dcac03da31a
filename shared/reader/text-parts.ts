// A text or HTML body becomes parts: the text around inline blocks keeps the protection of where
// it stands, each block gets the protection its own layer gave. An HTML body is searched for
// armor in the text it renders to; when it carries armor, the carrier HTML is not shown (it is
// unprotected and still holds the ciphertext) unless it also holds images or other elements.

import { utf8 } from '../encoding.ts';
import { htmlToText, scanHtmlContent } from '../pgp/html-body.ts';
import { decodeText } from './body-decoding.ts';
import { openSignedBlock, splitInline } from './inline-blocks.ts';
import { openEnvelope, openPgp } from './layers.ts';
import { tooLarge } from './limits.ts';
import { isLoneArmoredMessage } from './lone-armor.ts';
import type { MimeWalker, WalkContext } from './mime-walk.ts';
import { inside } from './protection.ts';
import type { ReadPart } from './types.ts';

// Elements whose content is not text: next to armor in an HTML body they are unprotected content.
const HTML_EMBEDDED =
  /<(?:img|image|video|audio|iframe|frame|object|embed|svg|picture|canvas|form|input|button|math)\b/i;

function textPart(text: string, ctx: WalkContext, extra: Partial<ReadPart> = {}): ReadPart {
  return {
    text,
    hasRemoteContent: false,
    hasActiveContent: false,
    protection: ctx.protection,
    ...(ctx.forwarded ? { forwarded: ctx.forwarded } : {}),
    ...extra,
  };
}

/** Pushes the parts of a plain-text body, opening each inline block where it stands. */
export async function textBody(text: string, ctx: WalkContext, walker: MimeWalker): Promise<void> {
  const segments = splitInline(text);
  const blocks = segments.filter((s) => s.kind === 'block').length;
  // Refused before any block is opened: nothing is half-shown (docs/limits.md).
  if (blocks > walker.budget.limits.maxProtectedParts) {
    throw tooLarge(`more than ${walker.budget.limits.maxProtectedParts} encrypted or signed blocks`);
  }
  const out = walker.out.parts;
  for (const segment of segments) {
    if (segment.kind === 'text') {
      if (/[^\s>]/.test(segment.text) || blocks === 0) out.push(textPart(segment.text, ctx));
      continue;
    }
    const { block, quoteDepth } = segment;
    walker.budget.addProtectedPart();
    const from = out.length;
    // Text around a block makes the mail partial, not nested: the block is still the mail's own.
    const blockCtx = { ...ctx, root: ctx.root, depth: ctx.depth + 1 };
    if (block.kind === 'pgp-signed') {
      const signed = await openSignedBlock(text, block, walker.keys.verificationKeys ?? []);
      walker.owns(signed.signatures, ctx);
      const protection = inside(ctx.protection, {
        signatures: signed.signatures,
        signedTextDamaged: signed.damaged,
      });
      out.push(textPart(signed.text, { ...ctx, protection }));
    } else if (block.kind === 'envelope') {
      const layer = await openEnvelope(block.armored, walker.keys, walker.budget);
      await walker.afterLayer(layer, 'envelope', undefined, blockCtx);
    } else {
      const layer = await openPgp(utf8(block.armored), walker.keys, walker.budget);
      await walker.afterLayer(layer, 'pgp-inline', undefined, blockCtx);
    }
    if (quoteDepth > 0) for (let i = from; i < out.length; i++) out[i] = { ...out[i]!, quoteDepth };
  }
}

/** Charsets in which armor's ASCII bytes are themselves (RFC 2046 §4.1.2; absent is US-ASCII). */
const ASCII_COMPATIBLE = /^(?:us-ascii|ascii|utf-?8|iso-8859-\d+|windows-125\d)$/i;

/**
 * Pushes the parts of a plain-text body given as bytes. One armored message and nothing else is
 * opened straight from the bytes, as textBody would open it (shared/reader/lone-armor.ts); any
 * other body is decoded in its charset and goes through textBody.
 */
export async function plainTextBody(
  bytes: Uint8Array,
  charset: string | undefined,
  ctx: WalkContext,
  walker: MimeWalker,
): Promise<void> {
  const ascii = charset === undefined || ASCII_COMPATIBLE.test(charset.trim());
  if (ascii && isLoneArmoredMessage(bytes)) {
    return walker.openLayer(bytes, 'pgp-inline', undefined, { ...ctx, depth: ctx.depth + 1 });
  }
  return textBody(decodeText(bytes, charset), ctx, walker);
}

/** Pushes the parts of an HTML body: its armor opened, or the HTML itself. */
export async function htmlBody(html: string, ctx: WalkContext, walker: MimeWalker): Promise<void> {
  if (html.includes('-----BEGIN')) {
    const rendered = htmlToText(html);
    if (splitInline(rendered).some((s) => s.kind === 'block')) {
      await textBody(rendered, ctx, walker);
      if (HTML_EMBEDDED.test(html)) walker.out.parts.push(htmlPart(html, ctx));
      return;
    }
  }
  walker.out.parts.push(htmlPart(html, ctx));
}

function htmlPart(html: string, ctx: WalkContext): ReadPart {
  const scan = scanHtmlContent(html);
  return textPart(htmlToText(html), ctx, {
    html,
    hasRemoteContent: scan.remote,
    hasActiveContent: scan.active,
  });
}
