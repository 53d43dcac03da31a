// `npm start` only: the Worker's outgoing mail reaches the demo webmail. Locally, wrangler dev
// writes each send_email message to an .eml file and logs its path (the file is gone when
// wrangler exits). Mail for one of the demo webmail's accounts is imported into that account's
// inbox, so a newcomer who signs up as alice@webmail.localhost finds the verification code in
// Alice's demo inbox instead of in a log.

import { readFile } from 'node:fs/promises';
import PostalMime from 'postal-mime';

/** The .eml paths in one line of wrangler's output. */
export function emlPaths(line) {
  return line.match(/\/[^\s"']+\.eml/g) ?? [];
}

/** A line handler that delivers each logged .eml once; resolves to the accounts it reached. */
export function createLocalMailBridge(webmailUrl) {
  const seen = new Set();
  let accounts = null;
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
      for (const account of accounts) {
        if (!recipients.includes(account.address.toLowerCase())) continue;
        const res = await fetch(new URL(`/api/accounts/${account.name}/mailboxes/inbox`, webmailUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'message/rfc822' },
          body: raw,
        });
        if (res.ok) reached.push(account.name);
      }
    }
    return reached;
  };
}
