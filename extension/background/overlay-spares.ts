// Spare read frames, the background's half of the overlay's performance path, kept apart from
// the token and sender checks (overlay.ts, overlay-senders.ts). The content script keeps a read
// frame loaded ahead of need (overlay/spare-frame.ts), and the frame binds its spare id here as
// soon as it loads. The block later given to it names that id, so its view goes to the frame the
// moment decryption ends, without the frame first learning its token and asking (two process hops
// on the warm path, bench overlay). Either may come first: a bound spare waits for its block, a
// block waits for its spare. Binding is first come, in the same tab only, like claiming a token.

/** What a spare may be given: a deposit in a tab, claimed at most once. */
interface Claimable {
  tabId: number;
  claimed: boolean;
}

/** A read frame loaded ahead of need, bound to its spare id and waiting for a block. */
interface Spare<D extends Claimable> {
  tabId: number;
  /** Hands the frame a deposit: claims it for the frame, sends the token, then the view. */
  take(token: string, d: D): void;
}

export function createSpareBinding<D extends Claimable>(deposits: Map<string, D>) {
  const spares = new Map<string, Spare<D>>();
  const waitingForSpare = new Map<string, string>();

  function give(spareId: string, token: string): void {
    const spare = spares.get(spareId);
    const d = deposits.get(token);
    if (!spare || !d) {
      if (d) waitingForSpare.set(spareId, token);
      return;
    }
    if (d.tabId !== spare.tabId || d.claimed) return;
    spares.delete(spareId);
    waitingForSpare.delete(spareId);
    spare.take(token, d);
  }

  return {
    give,
    /** Whether a frame already bound this spare id (each is bound once). */
    isBound: (spareId: string): boolean => spares.has(spareId),
    /** Binds a frame's spare id; a block that named it already is handed over at once. */
    bind(spareId: string, spare: Spare<D>): void {
      spares.set(spareId, spare);
      const waiting = waitingForSpare.get(spareId);
      if (waiting) give(spareId, waiting);
    },
    /** The spare's frame went away. */
    unbind(spareId: string): void {
      spares.delete(spareId);
    },
    /** The relay went away: its blocks wait for no spare. */
    forgetTokens(tokens: Set<string>): void {
      for (const [spareId, token] of waitingForSpare) if (tokens.has(token)) waitingForSpare.delete(spareId);
    },
  };
}
