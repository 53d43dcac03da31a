// A verdict in one stable line, the same on every surface: the CLI prints it in its JSON, the
// read frame carries it on its verdict bar, and one test table checks both give the same line
// for the same mail (docs/verdicts.md, "one verdict everywhere").

import type { MessageVerdict } from './types.ts';

export type VerdictClass = string;

export function verdictClass(v: MessageVerdict): VerdictClass {
  const codes = new Set(v.warnings.map((w) => w.code));
  const encryption = codes.has('claims_encryption')
    ? 'claims-encryption'
    : !v.encrypted
      ? 'not-encrypted'
      : v.partial.encrypted
        ? 'partly-encrypted'
        : 'encrypted';
  const valid = v.signatures.filter((s) => s.status === 'valid');
  const signature = v.signedBySender
    ? v.partial.signed
      ? 'partly-signed-by-sender'
      : 'signed-by-sender'
    : valid.length > 0
      ? 'signed-by-other'
      : v.signatures.some((s) => s.status === 'invalid')
        ? 'bad-signature'
        : v.signatures.some((s) => s.status === 'unknown_key')
          ? 'unknown-signer'
          : codes.has('signature_missing')
            ? 'signature-missing'
            : 'unsigned';
  const warnings = [...codes].sort().join(',');
  return `${encryption} ${signature}${warnings ? ` [${warnings}]` : ''}`;
}
