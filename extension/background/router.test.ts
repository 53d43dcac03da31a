import { describe, expect, it } from 'vitest';
import { ExtensionError } from './errors.ts';
import { createRouter, type Handlers, isOwnPage } from './router.ts';

const self = { id: 'abc', origin: 'chrome-extension://abc' };
const page = { id: 'abc', url: 'chrome-extension://abc/options.html' };

function routerWith(partial: Partial<Handlers>) {
  let activity = 0;
  const route = createRouter(partial as Handlers, self, () => activity++);
  return { route, activity: () => activity };
}

describe('background router', () => {
  it('accepts only this extension’s own pages', () => {
    expect(isOwnPage(page, self.id, self.origin)).toBe(true);
    // A content script: our extension id, but the web page's URL.
    expect(isOwnPage({ id: 'abc', url: 'https://mail.example.com/', tab: {} }, self.id, self.origin)).toBe(
      false,
    );
    expect(isOwnPage({ id: 'other', url: 'chrome-extension://abc/x.html' }, self.id, self.origin)).toBe(
      false,
    );
    expect(isOwnPage({ id: 'abc', url: 'chrome-extension://abcd/x.html' }, self.id, self.origin)).toBe(false);
    expect(isOwnPage({ id: 'abc' }, self.id, self.origin)).toBe(false);
  });

  it('refuses other senders before running anything', async () => {
    let ran = false;
    const { route } = routerWith({
      lock: async () => {
        ran = true;
        return {} as never;
      },
    });
    const reply = await route({ cmd: 'lock', args: {} }, { id: 'abc', url: 'https://evil.example/' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ran).toBe(false);
  });

  it('refuses unknown commands, prototype names and unknown fields', async () => {
    const { route } = routerWith({ unlock: async () => ({}) as never });
    expect(await route({ cmd: 'keys.dump', args: {} }, page)).toMatchObject({
      error: { code: 'unknown_command' },
    });
    expect(await route({ cmd: 'constructor', args: {} }, page)).toMatchObject({
      error: { code: 'unknown_command' },
    });
    expect(await route({ cmd: 'unlock', args: { passphrase: 'x', extra: 1 } }, page)).toMatchObject({
      error: { code: 'bad_request' },
    });
    expect(await route({ cmd: 'unlock', args: { passphrase: 7 } }, page)).toMatchObject({
      error: { code: 'bad_request' },
    });
    expect(await route('unlock', page)).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('runs a valid command, counts activity and maps errors with their extras', async () => {
    const { route, activity } = routerWith({
      unlock: async ({ passphrase }) => {
        throw new ExtensionError('bad_passphrase', `wrong (${passphrase.length})`, { attemptsLeft: 3 });
      },
      'settings.get': async () => ({
        serverUrl: 'u',
        lockTimeoutMinutes: 30,
        defaultFormat: 'auto',
        keyServers: true,
      }),
    });
    expect(await route({ cmd: 'settings.get', args: {} }, page)).toMatchObject({
      ok: true,
      value: { lockTimeoutMinutes: 30 },
    });
    expect(await route({ cmd: 'unlock', args: { passphrase: 'abc' } }, page)).toEqual({
      ok: false,
      error: { code: 'bad_passphrase', message: 'wrong (3)', attemptsLeft: 3 },
    });
    expect(activity()).toBe(2);
  });
});
