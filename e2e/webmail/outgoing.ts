// Builds outgoing mail (RFC 5322, CRLF line ends) with mimetext. Replies carry In-Reply-To and
// References (RFC 5322 §3.6.4) so every client threads them.

import { createMimeMessage } from 'mimetext';
import type { Account } from './accounts.ts';
import type { StoredMessage } from './store.ts';

export interface Draft {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
}

function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

// Base64 lines of 76 characters (RFC 2045 §6.8).
function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

export function buildMessage(from: Account, draft: Draft, parent?: StoredMessage): Uint8Array {
  const msg = createMimeMessage();
  msg.setSender({ name: from.displayName, addr: from.address });
  if (draft.to.length) msg.setTo(draft.to.map((addr) => ({ addr })));
  if (draft.cc.length) msg.setCc(draft.cc.map((addr) => ({ addr })));
  // Bcc is left out of the header on purpose: every copy is the same bytes, and no reader
  // learns the blind recipients (RFC 5322 §3.6.3 allows omitting it).
  msg.setSubject(draft.subject);
  if (parent) {
    msg.setHeader('In-Reply-To', parent.messageId);
    msg.setHeader('References', [...parent.references, parent.messageId].join(' '));
  }
  // Printable ASCII (armored ciphertext) goes as 7bit, so the body reads exactly as typed; anything
  // else is base64 of UTF-8.
  const ascii = !/[^\t\n\r\x20-\x7e]/.test(draft.text);
  msg.addMessage({
    contentType: 'text/plain',
    encoding: ascii ? '7bit' : 'base64',
    data: ascii ? toCrlf(draft.text) : base64Lines(draft.text),
  });
  return Buffer.from(toCrlf(msg.asRaw()), 'utf8');
}
