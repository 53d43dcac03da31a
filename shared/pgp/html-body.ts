// Reading an HTML body without a DOM: its rendered text (where inline armor is searched when a
// mail has no text/plain part), and whether rendering it as-is would reach the network. EFAIL
// (Poddebniak et al., USENIX Security 2018): decrypted HTML that loads remote content leaks the
// plaintext, so such HTML is returned as a string only and flagged for the reader's "load images".

/** What rendering an HTML string as-is would do beyond showing text. */
export interface HtmlContentReport {
  /** Something would be fetched: images, styles, frames, scripts by URL, CSS url()/@import, refresh. */
  remote: boolean;
  /** Something could run: script elements, event handler attributes, javascript: URLs. */
  active: boolean;
}

// WHATWG HTML §13.5 named references likely in mail; the rest stay as written.
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  equals: '=',
  sol: '/',
  plus: '+',
  colon: ':',
  hyphen: '\u2010',
  dash: '\u2010',
  tab: '\t',
};
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g;

/** Decodes character references once, as a renderer does (`&amp;lt;` shows as `&lt;`). */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (match, dec?: string, hexDigits?: string, name?: string) => {
    if (name !== undefined) return NAMED[name.toLowerCase()] ?? match;
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hexDigits ?? '', 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  });
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: Array<[string, string]>;
  /** Offset just past the tag's `>`. */
  end: number;
}

const SPACE = /[\t\n\f\r ]/;

/** One tag at `<` (WHATWG HTML §13.2.5 tag and attribute states, simplified); undefined if none. */
function readTag(html: string, at: number): Tag | undefined {
  let i = at + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  if (!/[a-zA-Z]/.test(html[i] ?? '')) return undefined;
  const nameStart = i;
  while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '/' && html[i] !== '>') i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attributes: Array<[string, string]> = [];
  for (;;) {
    while (i < html.length && (SPACE.test(html[i]!) || html[i] === '/')) i++;
    if (i >= html.length) return { name, closing, attributes, end: html.length };
    if (html[i] === '>') return { name, closing, attributes, end: i + 1 };
    const attrStart = i;
    i++; // a name may start with `=` (§13.2.5.32)
    while (i < html.length && !SPACE.test(html[i]!) && !'/>='.includes(html[i]!)) i++;
    const attrName = html.slice(attrStart, i).toLowerCase();
    while (i < html.length && SPACE.test(html[i]!)) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < html.length && SPACE.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close < 0 ? html.length : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '>') i++;
        value = html.slice(valueStart, i);
      }
    }
    attributes.push([attrName, decodeHtmlEntities(value)]);
  }
}

// Elements whose content is raw text up to their end tag (§13.1.2).
const RAW_TEXT = new Set(['script', 'style', 'title', 'noframes', 'iframe', 'noembed', 'template']);
const BLOCK = new Set([
  'p',
  'div',
  'pre',
  'listing',
  'blockquote',
  'li',
  'tr',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'ul',
  'ol',
  'section',
  'article',
]);

function rawTextEnd(html: string, from: number, name: string): number {
  const close = html.toLowerCase().indexOf(`</${name}`, from);
  if (close < 0) return html.length;
  const gt = html.indexOf('>', close);
  return gt < 0 ? html.length : gt + 1;
}

/**
 * The text a reader sees, close to `innerText`: tags dropped, `<br>` as a line break and block
 * boundaries as one, white space collapsed outside `<pre>` (CSS 2.1 §16.6.1), character
 * references decoded once. No CSS is applied, so hidden text stays in, which errs towards
 * flagging text around armor.
 */
export function htmlToText(html: string): string {
  let out = '';
  let pre = 0;
  let i = 0;
  const breakLine = (always: boolean) => {
    if (pre === 0) out = out.replace(/ +$/, '');
    if (always || (out !== '' && !out.endsWith('\n'))) out += '\n';
  };
  const text = (chunk: string) => {
    if (pre > 0) {
      out += chunk.replace(/\r\n?/g, '\n');
      return;
    }
    const collapsed = chunk.replace(/[\t\n\f\r ]+/g, ' ');
    // A collapsible space at the start of a line, or after another, is not rendered.
    out += out === '' || out.endsWith('\n') || out.endsWith(' ') ? collapsed.replace(/^ /, '') : collapsed;
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const stop = lt < 0 ? html.length : lt;
    if (stop > i) text(decodeHtmlEntities(html.slice(i, stop)));
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      if (html[lt + 1] === '!' || html[lt + 1] === '?' || html[lt + 1] === '/') {
        const gt = html.indexOf('>', lt);
        i = gt < 0 ? html.length : gt + 1;
      } else {
        text('<');
        i = lt + 1;
      }
      continue;
    }
    i = tag.end;
    if (tag.name === 'br') breakLine(true);
    else if (BLOCK.has(tag.name)) breakLine(false);
    if (tag.name === 'pre' || tag.name === 'listing') {
      pre = Math.max(0, pre + (tag.closing ? -1 : 1));
      // WHATWG HTML §13.2.6.4.7: a newline right after <pre> is not content.
      if (!tag.closing && html.startsWith('\r\n', i)) i += 2;
      else if (!tag.closing && (html[i] === '\n' || html[i] === '\r')) i++;
    }
    if (!tag.closing && RAW_TEXT.has(tag.name)) i = rawTextEnd(html, i, tag.name);
  }
  // Like innerText, no line break after the last block.
  return out.replace(/[ \n]+$/, '');
}

// Attributes that make a renderer fetch their URL (WHATWG HTML, SVG 2 `href`/`xlink:href`).
const URL_ATTRIBUTES = new Set([
  'src',
  'srcset',
  'background',
  'poster',
  'data',
  'lowsrc',
  'dynsrc',
  'codebase',
  'archive',
  'imagesrcset',
  'profile',
]);
// `href` is followed only on a click for these; on any other element (link, image, use, feImage) it loads.
const NAVIGATION_HREF = new Set(['a', 'area', 'base']);
const ALWAYS_REMOTE = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal', 'link']);
const LOCAL_URL = /^(?:data|cid|mid):/i;
const SCRIPT_URL = /^(?:javascript|vbscript|livescript):/i;

/** WHATWG URL §4.4: controls and spaces (U+0000–U+0020) are stripped before a URL is parsed. */
function urlText(value: string): string {
  return value.replace(/[^!-\uffff]+/g, '');
}

function isRemoteUrl(value: string): boolean {
  const url = urlText(value);
  if (url === '' || url.startsWith('#')) return false;
  return !LOCAL_URL.test(url);
}

/** CSS that may fetch: url() or image-set() with a non-local URL, @import, or escapes we don't read. */
function cssIsRemote(css: string): boolean {
  const decoded = decodeHtmlEntities(css);
  if (decoded.includes('\\') || /@import|image-set\s*\(/i.test(decoded)) return true;
  for (const m of decoded.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (isRemoteUrl(m[2]!)) return true;
  }
  // A url( that the pattern above did not close is read as remote.
  return /url\s*\(/i.test(decoded.replace(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi, ''));
}

/** Scans an HTML string for anything that rendering it as-is would fetch or run. Never fetches. */
export function scanHtmlContent(html: string): HtmlContentReport {
  const report: HtmlContentReport = { remote: false, active: false };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    i = tag.end;
    if (tag.closing) continue;
    if (tag.name === 'script') report.active = true;
    if (ALWAYS_REMOTE.has(tag.name)) report.remote = true;
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on')) report.active = true;
      if (SCRIPT_URL.test(urlText(value))) report.active = true;
      if (URL_ATTRIBUTES.has(name) && isRemoteUrl(value)) report.remote = true;
      if (
        (name === 'href' || name === 'xlink:href') &&
        !NAVIGATION_HREF.has(tag.name) &&
        isRemoteUrl(value)
      ) {
        report.remote = true;
      }
      if (name === 'style' && cssIsRemote(value)) report.remote = true;
      if (name === 'http-equiv' && value.trim().toLowerCase() === 'refresh') report.remote = true;
    }
    if (tag.name === 'style' || tag.name === 'script') {
      const end = rawTextEnd(html, i, tag.name);
      if (tag.name === 'style' && cssIsRemote(html.slice(i, end))) report.remote = true;
      i = end;
    }
    if (report.remote && report.active) break;
  }
  return report;
}
