// The background's message gate: only our own extension pages may call, only allowlisted
// commands run, and every request must match its schema exactly (unknown fields refused).

import { type Command, Envelope, type Handlers, REQUESTS, type Reply } from '../messages/protocol.ts';
import type { MessageSender } from '../platform/browser.ts';
import { ExtensionError } from './errors.ts';

export type { Handlers };

/**
 * Key operations are for our own pages only: the sender must be this extension and its
 * document must be on the extension's origin (content scripts report the web page's URL).
 */
export function isOwnPage(sender: MessageSender, extensionId: string, origin: string): boolean {
  if (sender.id !== extensionId || !sender.url) return false;
  try {
    // Not URL.origin: it is "null" for non-special schemes in some engines.
    const u = new URL(sender.url);
    return `${u.protocol}//${u.host}` === origin;
  } catch {
    return false;
  }
}

function failure(e: unknown): Reply<Command> {
  if (e instanceof ExtensionError) {
    const { code, message, until, attemptsLeft } = e;
    return {
      ok: false,
      error: {
        code,
        message,
        ...(until ? { until } : {}),
        ...(attemptsLeft !== undefined ? { attemptsLeft } : {}),
      },
    };
  }
  const code =
    typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'internal';
  const message = e instanceof Error ? e.message : 'Unexpected failure.';
  return { ok: false, error: { code, message } };
}

export function createRouter(
  handlers: Handlers | Promise<Handlers>,
  self: { id: string; origin: string },
  onActivity: () => void,
) {
  return async (message: unknown, sender: MessageSender): Promise<Reply<Command>> => {
    try {
      if (!isOwnPage(sender, self.id, self.origin))
        throw new ExtensionError('forbidden', 'Not allowed from this sender.');
      const envelope = Envelope.safeParse(message);
      if (!envelope.success) throw new ExtensionError('bad_request', 'Malformed message.');
      const cmd = envelope.data.cmd;
      if (!Object.hasOwn(REQUESTS, cmd)) throw new ExtensionError('unknown_command', 'Unknown command.');
      const schema = REQUESTS[cmd as Command];
      const args = schema.safeParse(envelope.data.args ?? {});
      if (!args.success) throw new ExtensionError('bad_request', `Invalid ${cmd} request.`);
      // Status reads (the pages and frames poll them) are not the user's activity.
      if (cmd !== 'status' && cmd !== 'transparency.status') onActivity();
      const handler = (await handlers)[cmd as Command] as (a: unknown) => Promise<unknown>;
      return { ok: true, value: (await handler(args.data)) as never };
    } catch (e) {
      return failure(e);
    }
  };
}
