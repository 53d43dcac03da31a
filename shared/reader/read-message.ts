// readMessage: the one reader every surface uses (the extension's read frame, the inbox page,
// the CLI). Bytes in — a mail, an mbox-framed mail, armored text, a binary OpenPGP message or
// envelope — and out come the parts in display order, each with the protection that covers it,
// the attachments, the protected headers and one verdict (docs/verdicts.md), within the limits
// of docs/limits.md. Any failure throws NoiseError and returns no plaintext at all.

import { utf8 } from '../encoding.ts';
import { splitEntity } from '../pgp/mime-slice.ts';
import { fromFieldCount, messageHeaders } from './entity.ts';
import { recognise } from './input.ts';
import { openEnvelope, type ReaderKeys } from './layers.ts';
import { ReadBudget, type ReadLimits } from './limits.ts';
import { assemble } from './message-verdict.ts';
import { MimeWalker, type WalkContext } from './mime-walk.ts';
import { UNPROTECTED } from './protection.ts';
import { checkSender } from './sender.ts';
import { plainTextBody } from './text-parts.ts';
import type { MessageHeaders, ReadResult } from './types.ts';

export interface ReadOptions {
  /**
   * The sender the surface shows: the webmail's displayed sender, or the CLI's --from. Signers
   * are checked against it; for a mail whose From names another address the verdict warns.
   */
  displayedSender?: string | null;
  limits?: Partial<ReadLimits>;
}

const NO_HEADERS: MessageHeaders = { fromAll: [], to: [], cc: [] };

export async function readMessage(
  input: Uint8Array | string,
  keys: ReaderKeys,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const budget = new ReadBudget(options.limits);
  const raw = typeof input === 'string' ? utf8(input) : input;
  budget.input(raw.length);
  const { source, bytes } = recognise(raw);
  const walker = new MimeWalker(keys, budget);
  const root: WalkContext = { protection: UNPROTECTED, depth: 0, root: true };
  let headers = NO_HEADERS;
  let fromFields = 0;
  switch (source) {
    case 'eml':
    case 'mbox': {
      const top = splitEntity(bytes);
      headers = messageHeaders(top);
      fromFields = fromFieldCount(top);
      await walker.entity(bytes, root);
      break;
    }
    case 'envelope-binary':
      budget.addProtectedPart();
      await walker.afterLayer(await openEnvelope(bytes, keys, budget), 'envelope', undefined, root);
      break;
    case 'pgp-binary':
      await walker.openLayer(bytes, 'pgp-binary', undefined, root);
      break;
    case 'armor':
      // Text as a mail body is: UTF-8, line endings in one kind (RFC 9580 §7.2 does not sign them).
      await plainTextBody(bytes, 'utf-8', root, walker);
      break;
  }
  const sender = checkSender(headers, fromFields, options.displayedSender ?? null);
  const mail = assemble(walker.out, headers, sender);
  return { source, ...mail, envelopes: walker.out.envelopes };
}
