// The one module that reaches the WebExtension `browser.*` API. Everything else imports these
// few functions, so the surface is small enough to audit and to replace in tests.

import { browser } from 'wxt/browser';

export const extensionId = (): string => browser.runtime.id;
export const extensionUrl = (path: string): string => browser.runtime.getURL(path as '/');

/** The origin of this extension's own pages, e.g. `chrome-extension://<id>`. */
export const extensionOrigin = (): string => {
  const u = new URL(browser.runtime.getURL('/'));
  return `${u.protocol}//${u.host}`;
};

export function t(key: string, substitutions?: string | string[]): string {
  // Unknown keys come back empty; show the key so a missing string is visible, never blank.
  return browser.i18n.getMessage(key as never, substitutions) || key;
}

export function sendToBackground(message: unknown): Promise<unknown> {
  return browser.runtime.sendMessage(message);
}

export interface MessageSender {
  id?: string;
  url?: string;
  origin?: string;
  /** Present when the sender is a content script in a web page tab. */
  tab?: unknown;
}

/** Registers the background's single message handler; the answer is sent back as the response. */
export function onMessage(handler: (message: unknown, sender: MessageSender) => Promise<unknown>): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) =>
    handler(message, sender),
  );
}

export const session = {
  async get<T>(key: string): Promise<T | undefined> {
    const got = await browser.storage.session.get(key);
    return got[key] as T | undefined;
  },
  set: (key: string, value: unknown): Promise<void> => browser.storage.session.set({ [key]: value }),
  remove: (key: string): Promise<void> => browser.storage.session.remove(key),
};

export const alarms = {
  set: (name: string, when: number): Promise<void> => Promise.resolve(browser.alarms.create(name, { when })),
  clear: (name: string): Promise<boolean> => browser.alarms.clear(name),
  onAlarm(handler: (name: string) => void): void {
    browser.alarms.onAlarm.addListener((alarm) => handler(alarm.name));
  },
  /** A repeating alarm for upkeep; period in minutes. */
  every: (name: string, periodInMinutes: number): Promise<void> =>
    Promise.resolve(browser.alarms.create(name, { periodInMinutes, delayInMinutes: 1 })),
};

export function onInstalled(handler: (reason: string) => void): void {
  browser.runtime.onInstalled.addListener((details) => handler(details.reason));
}

export function openTab(path: string): Promise<unknown> {
  return browser.tabs.create({ url: extensionUrl(path) });
}

/**
 * Sends a notice from the background to every open extension page and frame. Nobody listening
 * (no page open) is not an error.
 */
export function broadcastToPages(message: unknown): void {
  browser.runtime.sendMessage(message).catch(() => {});
}

/**
 * Listens for the background's notices (broadcastToPages) in a page or frame. Only a sender on
 * our own origin outside any tab passes: the background (or the popup), never a content script
 * or another page's frame. The listener never answers, so page→background replies are untouched.
 */
export function onBackgroundNotice(handler: (message: unknown) => void): () => void {
  const listener = (message: unknown, sender: MessageSender) => {
    if (sender.id !== browser.runtime.id || sender.tab || !sender.url) return;
    try {
      const u = new URL(sender.url);
      if (`${u.protocol}//${u.host}` !== extensionOrigin()) return;
    } catch {
      return;
    }
    handler(message);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
