// HKP machine-readable index (draft-gallagher-openpgp-hkp §5.2, "options=mr"):
//   info:<version>:<count>
//   pub:<fingerprint>:<algo>:<keylen>:<creationdate>:<expirationdate>:<flags>
//   uid:<escaped uid>:<creationdate>:<expirationdate>:<flags>
// Fields are percent-escaped where they could contain ':' or non-printable characters.

import { utf8 } from '../../../shared/encoding.ts';
import type { BindingRow, KeyRow } from '../directory/keys-table.ts';

/** §5.2: "%" escape of ':', '%' and every byte outside printable ASCII (UTF-8 first). */
export function hkpEscape(text: string): string {
  let out = '';
  for (const byte of utf8(text)) {
    if (byte < 0x20 || byte > 0x7e || byte === 0x3a || byte === 0x25)
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

export function hkpIndex(entries: { key: KeyRow; bindings: BindingRow[] }[]): string {
  const lines = [`info:1:${entries.length}`];
  for (const { key, bindings } of entries) {
    const flags = key.revoked ? 'r' : key.expiresAt !== null && key.expiresAt * 1000 < Date.now() ? 'e' : '';
    const expires = key.expiresAt === null ? '' : String(key.expiresAt);
    lines.push(
      `pub:${key.fingerprint}:${key.algorithm}:${key.bits ?? ''}:${key.keyCreatedAt}:${expires}:${flags}`,
    );
    for (const b of bindings) lines.push(`uid:${hkpEscape(b.userId)}:${key.keyCreatedAt}::${flags}`);
  }
  return `${lines.join('\n')}\n`;
}
