// The verification mail. Cloudflare's send_email requires a Message-ID, a From equal to the
// envelope sender and no Received header; mimetext writes RFC 5322 for us. The mail says what
// confirming would prove and publish (purpose.ts), and that it can be ignored.

import { createMimeMessage } from 'mimetext/browser';
import { toBase64Url } from '../../../shared/encoding.ts';
import { IGNORE_SENTENCE, purposeSentence } from './purpose.ts';
import type { VerificationPurpose } from './verification-store.ts';

interface VerificationMail {
  from: string;
  to: string;
  raw: string;
}

function verificationSender(serviceDomain: string): string {
  return `verify@${serviceDomain}`;
}

export function buildVerificationMail(opts: {
  serviceDomain: string;
  to: string;
  code: string;
  link: string;
  purpose: VerificationPurpose;
}): VerificationMail {
  const from = verificationSender(opts.serviceDomain);
  const msg = createMimeMessage();
  msg.setSender({ name: 'Noise Email', addr: from });
  msg.setRecipient(opts.to);
  msg.setSubject(`Your Noise Email verification code: ${opts.code}`);
  msg.setHeader(
    'Message-ID',
    `<${toBase64Url(crypto.getRandomValues(new Uint8Array(18)))}@${opts.serviceDomain}>`,
  );
  msg.addMessage({
    contentType: 'text/plain',
    data: [
      `Someone asked Noise Email to confirm that they control ${opts.to}.`,
      purposeSentence(opts.to, opts.purpose),
      '',
      `If it was you, enter this code in the extension: ${opts.code}`,
      '',
      'Or open this link and press "Confirm":',
      opts.link,
      '',
      'The code and the link expire in 30 minutes. Never read the code out to anyone.',
      IGNORE_SENTENCE,
    ].join('\r\n'),
  });
  return { from, to: opts.to, raw: msg.asRaw() };
}
