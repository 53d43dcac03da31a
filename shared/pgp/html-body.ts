// Reading an HTML body without a DOM: its rendered text (where inline armor is searched when a
// mail has no text/plain part), and whether rendering it as-is would reach the network. EFAIL
// (Poddebniak et al., USENIX Security 2018): decrypted HTML that loads remote content leaks the
// plaintext, so such HTML is returned as a string only and flagged for the reader's "load images".

import { decodeCharacterReferences } from '../html-entities.ts';

/** What rendering an HTML string as-is would do beyond showing text. */
export interface HtmlContentReport {
  /** Something would be fetched: images, styles, frames, scripts by URL, CSS url()/@import, refresh. */
  remote: boolean;
  /** Something could run: script elements, event handler attributes, javascript: URLs. */
  active: boolean;
}

interface Tag {
  name: string;
  closing: boolean;
  /** Offset just past the tag's `>`. */
  end: number;
}

const SPACE = /[\t\n\f\r ]/;

type AttributeVisitor = (tag: string, name: string, value: string) => void;

/**
 * One tag at `<` (WHATWG HTML §13.2.5 tag and attribute states, simplified); undefined if none.
 * Attributes go to `visit` as they are read, values with character references decoded.
 */
function readTag(html: string, at: number, visit?: AttributeVisitor): Tag | undefined {
  let i = at + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  if (!/[a-zA-Z]/.test(html[i] ?? '')) return undefined;
  const nameStart = i;
  while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '/' && html[i] !== '>') i++;
  const name = html.slice(nameStart, i).toLowerCase();
  for (;;) {
    while (i < html.length && (SPACE.test(html[i]!) || html[i] === '/')) i++;
    if (i >= html.length) return { name, closing, end: html.length };
    if (html[i] === '>') return { name, closing, end: i + 1 };
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
    if (visit && !closing) visit(name, attrName, decodeCharacterReferences(value));
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

const closingTags = new Map<string, RegExp>();

function rawTextEnd(html: string, from: number, name: string): number {
  let closing = closingTags.get(name);
  if (!closing) {
    closing = new RegExp(`</${name}`, 'gi');
    closingTags.set(name, closing);
  }
  closing.lastIndex = from;
  const close = closing.exec(html)?.index ?? -1;
  if (close < 0) return html.length;
  const gt = html.indexOf('>', close);
  return gt < 0 ? html.length : gt + 1;
}

/** Drops trailing characters from `chars` with a loop: a regex like / +$/ is quadratic on long runs. */
function withoutTrailing(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * The text a reader sees, close to `innerText`: tags dropped, `<br>` as a line break and block
 * boundaries as one, white space collapsed outside `<pre>` (CSS 2.1 §16.6.1), character
 * references decoded once. No CSS is applied, so hidden text stays in, which errs towards
 * flagging text around armor.
 */
export function htmlToText(html: string): string {
  // Finished lines and the one being written: every step touches only the end of `line`.
  const lines: string[] = [];
  let line = '';
  let pre = 0;
  let i = 0;
  const breakLine = (always: boolean) => {
    if (pre === 0) line = withoutTrailing(line, ' ');
    if (always || line !== '') {
      lines.push(line);
      line = '';
    }
  };
  const text = (chunk: string) => {
    if (pre > 0) {
      line += chunk.replace(/\r\n?/g, '\n');
      return;
    }
    const collapsed = chunk.replace(/[\t\n\f\r ]+/g, ' ');
    // A collapsible space at the start of a line, or after another, is not rendered.
    const atBreak = line === '' || line.endsWith('\n') || line.endsWith(' ');
    line += atBreak && collapsed.startsWith(' ') ? collapsed.slice(1) : collapsed;
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const stop = lt < 0 ? html.length : lt;
    if (stop > i) text(decodeCharacterReferences(html.slice(i, stop)));
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
  lines.push(line);
  // Like innerText, no line break after the last block.
  return withoutTrailing(lines.join('\n'), ' \n');
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

const CSS_URL_START = /url\s*\(/gi;

/** CSS that may fetch: url() or image-set() with a non-local URL, @import, or escapes we don't read. */
function cssIsRemote(css: string): boolean {
  const decoded = decodeCharacterReferences(css);
  if (decoded.includes('\\') || /@import|image-set\s*\(/i.test(decoded)) return true;
  // One pass: the `)` closing a url( is searched once and shared by every url( before it.
  let close = -1;
  for (const m of decoded.matchAll(CSS_URL_START)) {
    const from = m.index + m[0].length;
    if (close < from) close = decoded.indexOf(')', from);
    // An unclosed url( or one holding another is not something we read: count it as remote.
    if (close < 0) return true;
    const value = decoded.slice(from, close).trim();
    if (/url\s*\(/i.test(value)) return true;
    if (isRemoteUrl(value.replace(/^(['"])([\s\S]*)\1$/, '$2'))) return true;
  }
  return false;
}

/** Scans an HTML string for anything that rendering it as-is would fetch or run. Never fetches. */
export function scanHtmlContent(html: string): HtmlContentReport {
  const report: HtmlContentReport = { remote: false, active: false };
  const visit: AttributeVisitor = (tag, name, value) => {
    if (name.startsWith('on')) report.active = true;
    if (SCRIPT_URL.test(urlText(value))) report.active = true;
    if (URL_ATTRIBUTES.has(name) && isRemoteUrl(value)) report.remote = true;
    if ((name === 'href' || name === 'xlink:href') && !NAVIGATION_HREF.has(tag) && isRemoteUrl(value)) {
      report.remote = true;
    }
    if (name === 'style' && cssIsRemote(value)) report.remote = true;
    if (name === 'http-equiv' && value.trim().toLowerCase() === 'refresh') report.remote = true;
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, lt, visit);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    i = tag.end;
    if (tag.closing) continue;
    if (tag.name === 'script') report.active = true;
    if (ALWAYS_REMOTE.has(tag.name)) report.remote = true;
    if (tag.name === 'style' || tag.name === 'script') {
      const end = rawTextEnd(html, i, tag.name);
      if (tag.name === 'style' && cssIsRemote(html.slice(i, end))) report.remote = true;
      i = end;
    }
    if (report.remote && report.active) break;
  }
  return report;
}
