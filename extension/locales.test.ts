import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthResult } from '../shared/api/inbox.ts';
import { LOG_KINDS } from './store/schema.ts';

const root = import.meta.dirname;
const messages = JSON.parse(readFileSync(join(root, 'public/_locales/en/messages.json'), 'utf8')) as Record<
  string,
  { message: string }
>;

function sources(dir: string, pattern = /\.tsx$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

describe('_locales/en', () => {
  it('has every string the pages ask for', () => {
    const files = [
      ...sources(join(root, 'ui')),
      ...sources(join(root, 'entrypoints/onboarding')),
      ...sources(join(root, 'entrypoints/options')),
      ...sources(join(root, 'entrypoints/popup')),
      ...sources(join(root, 'entrypoints/compose')),
      ...sources(join(root, 'entrypoints/read')),
      ...sources(join(root, 'entrypoints/inbox')),
      ...sources(join(root, 'background/inbox'), /(?<!\.test)\.ts$/),
    ];
    const keys = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) keys.add(m[1] as string);
    for (let s = 0; s <= 4; s++) keys.add(`strength${s}`);
    for (const kind of LOG_KINDS) keys.add(`log_${kind}`);
    // The failure texts of the read frame and the inbox page, looked up by code.
    for (const m of readFileSync(join(root, 'ui/read/failure.ts'), 'utf8').matchAll(/'(readFail[A-Za-z]+)'/g))
      keys.add(m[1] as string);
    // The inbox page's words looked up by value (entrypoints/inbox/AuthBadges.tsx, MessageView.tsx).
    for (const r of AuthResult.options) keys.add(`inboxAuth_${r}`);
    for (const m of ['pass', 'partial', 'fail', 'unknown']) keys.add(`inboxAuthMark_${m}`);
    for (const s of ['download', 'decrypt', 'reseal']) keys.add(`inboxStep_${s}`);
    for (const step of ['start', 'kdf', 'pgp', 'envelope', 'seal', 'register', 'login', 'vault', 'done'])
      keys.add(`progress_${step}`);
    const missing = [...keys].filter((k) => !messages[k]?.message);
    expect(missing).toEqual([]);
    expect(keys.size).toBeGreaterThan(80);
  });

  it('uses only names Chrome accepts', () => {
    for (const k of Object.keys(messages)) expect(k).toMatch(/^[A-Za-z0-9_@]+$/);
  });
});
