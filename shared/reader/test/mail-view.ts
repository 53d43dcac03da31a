// Tests' view of a read: the parts' text joined, the first HTML, the attachments as files. Keeps
// assertions short where a test is about one body; tests about parts look at `parts` directly.

import type { PrivateKey } from 'openpgp';
import type { KeyInput } from '../../pgp/keys.ts';
import { readMessage } from '../read-message.ts';
import type { ReadResult } from '../types.ts';

export interface MailView extends ReadResult {
  text: string;
  html?: string;
  hasRemoteContent: boolean;
  hasActiveContent: boolean;
}

export function viewOf(r: ReadResult): MailView {
  const html = r.parts.find((p) => p.html !== undefined)?.html;
  return {
    ...r,
    text: r.parts.map((p) => p.text).join(''),
    ...(html !== undefined ? { html } : {}),
    hasRemoteContent: r.verdict.hasRemoteContent,
    hasActiveContent: r.verdict.hasActiveContent,
  };
}

export async function readMail(
  raw: string | Uint8Array,
  keys: { decryptionKeys: readonly PrivateKey[]; verificationKeys?: readonly KeyInput[] },
  displayedSender?: string,
): Promise<MailView> {
  return viewOf(await readMessage(raw, keys, displayedSender ? { displayedSender } : {}));
}
