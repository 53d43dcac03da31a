// The webmail hosts the extension works on, in one place: the content script runs on them,
// only they may load the overlay frames (web_accessible_resources), and only they may be the
// frames' ancestors (CSP frame-ancestors). 127.0.0.1 and localhost are the demo webmail: only
// development builds (`wxt --mode development`, `npm start`, the e2e tests) match them, so a
// published build never runs in, or lets its frames be embedded by, a local page.

/** Webmail sites every build matches. */
export const PUBLIC_WEBMAIL_MATCHES = [
  'https://mail.google.com/*',
  'https://outlook.live.com/*',
  'https://outlook.office.com/*',
  'https://outlook.office365.com/*',
  'https://mail.yahoo.com/*',
];

/** The local demo webmail, matched by development builds only. */
export const LOCAL_WEBMAIL_MATCHES = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * Every host a build may match: what the content script declares. Production builds remove
 * the local ones from the generated manifest (wxt.config.ts, productionMatches).
 */
export const WEBMAIL_MATCHES = [...PUBLIC_WEBMAIL_MATCHES, ...LOCAL_WEBMAIL_MATCHES];

/** Only a build made in WXT's "development" mode is one; any other mode is a production build. */
export function isDevelopmentBuild(mode: string): boolean {
  return mode === 'development';
}

/** The webmail hosts of a build in `mode`. */
export function webmailMatches(mode: string): string[] {
  return isDevelopmentBuild(mode) ? [...WEBMAIL_MATCHES] : [...PUBLIC_WEBMAIL_MATCHES];
}

/** `patterns` without the local hosts when `mode` is not development. */
export function matchesForBuild(patterns: readonly string[], mode: string): string[] {
  return isDevelopmentBuild(mode)
    ? [...patterns]
    : patterns.filter((p) => !LOCAL_WEBMAIL_MATCHES.includes(p));
}

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
export function extensionPagesCsp(mode: string): string {
  return [
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors 'self' ${webmailMatches(mode).map(cspSource).join(' ')}`,
  ].join('; ');
}
