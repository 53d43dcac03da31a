// What extension pages use to talk to the background: one typed call per command.

import { sendToBackground } from '../platform/browser.ts';
import type { Command, Reply, RequestOf, Responses } from './protocol.ts';

/** A refused call, with the background's stable error code. */
export class CommandError extends Error {
  readonly code: string;
  readonly until: number | undefined;
  readonly attemptsLeft: number | undefined;
  constructor(code: string, message: string, extra: { until?: number; attemptsLeft?: number } = {}) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.until = extra.until;
    this.attemptsLeft = extra.attemptsLeft;
  }
}

export async function call<C extends Command>(cmd: C, args: RequestOf<C>): Promise<Responses[C]> {
  const reply = (await sendToBackground({ cmd, args })) as Reply<C> | undefined;
  if (!reply) throw new CommandError('no_answer', 'The background did not answer.');
  if (reply.ok) return reply.value;
  throw new CommandError(reply.error.code, reply.error.message, reply.error);
}
