// The webmail hosts the extension works on, in one place: the content script runs on them,
// only they may load the overlay frames (web_accessible_resources), and only they may be the
// frames' ancestors (CSP frame-ancestors). 127.0.0.1 and localhost are the demo webmail.

export const WEBMAIL_MATCHES = [
  'https://mail.google.com/*',
  'https://outlook.live.com/*',
  'https://outlook.office.com/*',
  'https://outlook.office365.com/*',
  'https://mail.yahoo.com/*',
  'http://127.0.0.1/*',
  'http://localhost/*',
];

/** A match pattern as a CSP source expression: any port for plain-http local hosts. */
export function cspSource(pattern: string): string {
  const m = /^(https?):\/\/([^/]+)\/\*$/.exec(pattern);
  if (!m) throw new Error(`Not a host match pattern: ${pattern}`);
  return m[1] === 'http' ? `http://${m[2]}:*` : `https://${m[2]}`;
}

/**
 * The extension pages' CSP. frame-ancestors is checked against every ancestor, not only the
 * page that made the frame (which is all web_accessible_resources checks): a listed webmail
 * framed inside another site cannot pass our frames on to it.
 */
export const EXTENSION_PAGES_CSP = [
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  `frame-ancestors 'self' ${WEBMAIL_MATCHES.map(cspSource).join(' ')}`,
].join('; ');
