// The few runtime-port calls the overlay needs, behind one small interface so the background's
// port router can be tested with in-memory ports.

import { browser } from 'wxt/browser';

export interface PortSender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

export interface OverlayPort {
  name: string;
  sender?: PortSender;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export function onConnect(handler: (port: OverlayPort) => void): void {
  browser.runtime.onConnect.addListener((port) => handler(port as unknown as OverlayPort));
}

export function connect(name: string): OverlayPort {
  return browser.runtime.connect({ name }) as unknown as OverlayPort;
}

export function extensionPageUrl(path: string): string {
  return browser.runtime.getURL(path as '/');
}

/** A text of _locales for the content script's own few words (Encrypt button, frame titles). */
export function localMessage(key: string): string {
  return browser.i18n.getMessage(key as never) || key;
}
