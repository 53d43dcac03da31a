// The verification mail (issue 3 §3). Cloudflare's send_email requires a Message-ID, a From
// equal to the envelope sender and no Received header; mimetext writes RFC 5322 for us.

import { createMimeMessage } from 'mimetext/browser';
import { toBase64Url } from '../../../shared/encoding.ts';

export interface VerificationMail {
  from: string;
  to: string;
  raw: string;
}

export function verificationSender(serviceDomain: string): string {
  return `verify@${serviceDomain}`;
}

export function buildVerificationMail(opts: {
  serviceDomain: string;
  to: string;
  code: string;
  link: string;
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
      `Someone asked to publish encryption keys for ${opts.to} on Noise Email.`,
      '',
      `If it was you, enter this code in the extension: ${opts.code}`,
      '',
      'Or open this link and press "Confirm":',
      opts.link,
      '',
      'The code and the link expire in 30 minutes. If it was not you, ignore this mail;',
      'nothing is published without confirmation.',
    ].join('\r\n'),
  });
  return { from, to: opts.to, raw: msg.asRaw() };
}
