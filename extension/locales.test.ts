import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { translations as zxcvbnEnglish } from '@zxcvbn-ts/language-en';
import { describe, expect, it } from 'vitest';
import { MARK_PICTURES, pictureMessage } from './overlay/security-mark.ts';
import { LOG_KINDS } from './store/schema.ts';
import { ERROR_CODES } from './ui/failure-text.ts';

const root = import.meta.dirname;
type Messages = Record<string, { message: string }>;
const load = (locale: string) =>
  JSON.parse(readFileSync(join(root, `public/_locales/${locale}/messages.json`), 'utf8')) as Messages;
const en = load('en');
/** Every locale besides English; each must be complete (a new string needs all of them). */
const OTHERS = readdirSync(join(root, 'public/_locales')).filter((l) => l !== 'en');

function sources(dir: string, ext = /\.tsx?$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path, ext);
    return ext.test(name) && !name.includes('.test.') ? [path] : [];
  });
}

/** Every message name the extension's pages, frames and content script ask for. */
function usedKeys(): Set<string> {
  const files = [
    ...sources(join(root, 'ui')),
    ...sources(join(root, 'overlay')),
    ...sources(join(root, 'entrypoints')),
  ];
  const keys = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // t('key'), message('key'), mount(<App />, 'key'): a quoted name passed to a text lookup.
    for (const m of text.matchAll(/\b(?:t|message|mount\([^,]+,)\s*\(?\s*'([A-Za-z0-9_]+)'/g))
      keys.add(m[1] as string);
    // Names kept in tables (help topics, read failures, option sections, ternaries of t()).
    for (const m of text.matchAll(
      /'((?:help|readFail|readNext|frameLocked|composeFrame|readFrame|composeButton|cipher|session[A-Z])[A-Za-z0-9]*)'/g,
    ))
      keys.add(m[1] as string);
  }
  for (let s = 0; s <= 4; s++) keys.add(`strength${s}`);
  for (const field of ['to', 'cc', 'bcc']) keys.add(`recipientField_${field}`);
  for (const kind of LOG_KINDS) keys.add(`log_${kind}`);
  for (const code of ERROR_CODES) keys.add(`error_${code}`);
  for (const id of MARK_PICTURES) keys.add(pictureMessage(id));
  for (const [group, table] of Object.entries(zxcvbnEnglish))
    for (const name of Object.keys(table as object)) keys.add(`zxcvbn_${group}_${name}`);
  for (const step of ['start', 'kdf', 'pgp', 'envelope', 'seal', 'register', 'login', 'vault', 'done'])
    keys.add(`progress_${step}`);
  return keys;
}

const placeholders = (s: string) => [...s.matchAll(/\$\d|\{base\}/g)].map((m) => m[0]).sort();

describe('_locales', () => {
  it('en has every string the pages, frames and content script ask for', () => {
    const keys = usedKeys();
    const missing = [...keys].filter((k) => !en[k]?.message);
    expect(missing).toEqual([]);
    expect(keys.size).toBeGreaterThan(300);
  });

  it('there is a second complete locale (German) besides English', () => {
    expect(OTHERS).toContain('de');
  });

  it.each(OTHERS)('%s translates every en string, with the same placeholders, and nothing else', (locale) => {
    const other = load(locale);
    const untranslated = Object.keys(en).filter((k) => !other[k]?.message?.trim());
    expect(untranslated).toEqual([]);
    expect(Object.keys(other).filter((k) => !en[k])).toEqual([]);
    for (const [k, { message }] of Object.entries(en))
      expect(placeholders(other[k]?.message ?? ''), `${locale} ${k}`).toEqual(placeholders(message));
    expect(other.htmlLang?.message).toBe(locale);
  });

  it('uses only names Chrome accepts', () => {
    for (const k of Object.keys(en)) expect(k).toMatch(/^[A-Za-z0-9_@]+$/);
  });

  it('shows no emoji a system without an emoji font would draw as an empty box', () => {
    // Pictures are SVG files (extension/public/pictures); astral-plane emoji need an emoji font.
    for (const locale of ['en', ...OTHERS])
      for (const [k, { message }] of Object.entries(load(locale)))
        expect(message, `${locale} ${k}`).not.toMatch(/\p{Extended_Pictographic}(?<![\u2000-\u2BFF])/u);
  });
});
