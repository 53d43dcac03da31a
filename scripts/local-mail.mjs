// `npm start` only: the Worker's outgoing mail reaches the demo webmail. Locally, wrangler dev
// writes each send_email message to an .eml file and logs its path (the file is gone when
// wrangler exits). Mail for one of the demo webmail's accounts is imported into that account's
// inbox, so a newcomer who signs up as alice@webmail.localhost finds the verification code in
// Alice's demo inbox instead of in a log; mail the relay sends to an inbox on the service domain
// goes back into the Worker's inbound path.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import PostalMime from 'postal-mime';

/** The .eml paths in one line of wrangler's output. */
export function emlPaths(line) {
  return line.match(/\/[^\s"']+\.eml/g) ?? [];
}

/**
 * A line handler that delivers each logged .eml once; resolves to where it went. The relay writes
 * one .eml per envelope recipient, the same bytes but for the Message-ID the mail service sets on
 * each copy, so each recipient named in To or Cc gets such a message once: demo webmail accounts in their demo inbox, addresses on the service domain
 * (with `inbound`) through the Worker's local email endpoint as Email Routing would deliver them.
 * Bcc recipients are in no header of the file and are not delivered locally.
 */
export function createLocalMailBridge(webmailUrl, inbound) {
  const seen = new Set();
  const delivered = new Set();
  let accounts = null;
  const suffix = inbound ? `@${inbound.serviceDomain.toLowerCase()}` : null;
  return async function deliver(line) {
    const reached = [];
    for (const path of emlPaths(line)) {
      if (seen.has(path)) continue;
      seen.add(path);
      const raw = await readFile(path).catch(() => null);
      if (!raw) continue;
      const mail = await PostalMime.parse(raw);
      accounts ??= await (await fetch(new URL('/api/accounts', webmailUrl))).json();
      const recipients = [...(mail.to ?? []), ...(mail.cc ?? [])].map((a) => a.address?.toLowerCase());
      const sameMessage = createHash('sha256')
        .update(raw.toString('latin1').replace(/^Message-ID:[^\r\n]*(\r?\n[ \t][^\r\n]*)*/im, ''))
        .digest('hex');
      const once = (rcpt) => {
        const key = `${sameMessage} ${rcpt}`;
        if (delivered.has(key)) return false;
        delivered.add(key);
        return true;
      };
      for (const account of accounts) {
        const address = account.address.toLowerCase();
        if (!recipients.includes(address) || !once(address)) continue;
        const res = await fetch(new URL(`/api/accounts/${account.name}/mailboxes/inbox`, webmailUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'message/rfc822' },
          body: raw,
        });
        if (res.ok) reached.push(account.name);
      }
      if (!suffix) continue;
      for (const rcpt of new Set(recipients.filter((r) => r?.endsWith(suffix)))) {
        if (!once(rcpt)) continue;
        const url = new URL('/cdn-cgi/local/email', inbound.workerUrl);
        url.searchParams.set('from', mail.from?.address ?? '');
        url.searchParams.set('to', rcpt);
        const res = await fetch(url, { method: 'POST', body: raw });
        if (res.ok) reached.push(rcpt);
      }
    }
    return reached;
  };
}

// The other direction: mail the demo webmail's accounts send to an inbox on the service domain
// (alice@noise.localhost) reaches the Worker's email() handler as Email Routing would hand it
// over, through wrangler's local endpoint. The webmail keeps mail for addresses it does not
// host as "outbound" copies; each new copy is posted once per service-domain recipient in its
// To and Cc headers (Bcc recipients are not in the copy). wrangler requires a Message-ID and
// caps local mail at 1 MiB (production: 25 MiB); such mail is skipped with the reason.

/** wrangler dev's cap on local inbound mail. */
export const LOCAL_EMAIL_LIMIT = 1024 * 1024;

/** A poll function that delivers new outbound webmail copies; resolves to what it did. */
export function createInboundMailBridge({ webmailUrl, workerUrl, serviceDomain }) {
  const seen = new Set();
  const suffix = `@${serviceDomain.toLowerCase()}`;
  return async function poll() {
    const results = [];
    const ids = await (await fetch(new URL('/api/outbound', webmailUrl))).json();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const res = await fetch(new URL(`/api/outbound/${id}/raw`, webmailUrl));
      const raw = new Uint8Array(await res.arrayBuffer());
      const mail = await PostalMime.parse(raw);
      const recipients = [...(mail.to ?? []), ...(mail.cc ?? [])]
        .map((a) => a.address?.toLowerCase())
        .filter((a) => a?.endsWith(suffix));
      if (recipients.length === 0) continue;
      const from = mail.from?.address ?? '';
      for (const to of new Set(recipients)) {
        if (!mail.messageId) {
          results.push({ to, status: 0, note: 'skipped: no Message-ID (wrangler requires one)' });
          continue;
        }
        if (raw.length > LOCAL_EMAIL_LIMIT) {
          results.push({ to, status: 0, note: `skipped: ${raw.length} bytes, over the 1 MiB local limit` });
          continue;
        }
        const url = new URL('/cdn-cgi/local/email', workerUrl);
        url.searchParams.set('from', from);
        url.searchParams.set('to', to);
        const posted = await fetch(url, { method: 'POST', body: raw });
        results.push({ to, status: posted.status, note: (await posted.text()).slice(0, 200) });
      }
    }
    return results;
  };
}
