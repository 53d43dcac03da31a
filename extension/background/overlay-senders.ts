// Who may open an overlay port (overlay/protocol.ts): the relay must be a content script in a
// tab; read and compose must be our own frame pages on the extension origin. The router
// disconnects any other sender before it reads a message (docs/threat-model.md, the webmail page).

import type { PortSender } from '../overlay/runtime-port.ts';

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').pathname;
  } catch {
    return '';
  }
}

export function isContentScript(
  sender: PortSender | undefined,
  self: { id: string; origin: string },
): boolean {
  return (
    !!sender &&
    sender.id === self.id &&
    typeof sender.tab?.id === 'number' &&
    originOf(sender.url) !== self.origin
  );
}

export function isOwnFrame(
  sender: PortSender | undefined,
  self: { id: string; origin: string },
  page: string,
): boolean {
  return (
    !!sender && sender.id === self.id && originOf(sender.url) === self.origin && pathOf(sender.url) === page
  );
}
