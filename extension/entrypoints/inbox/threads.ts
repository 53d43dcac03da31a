// Conversations in the list (mailbox-v1 §4.4 thread ids, from In-Reply-To and References; §4.5
// the ids the mail service gave a Sent message's delivered copies): two rows share a conversation
// when any id one is known by or points at is among the other's (threadKeysOf), so a reply that
// names a relayed copy's Message-ID joins the Sent message. The newest message of a thread stays
// where the list has it, the thread's other messages on the page follow it, newest first, and
// carry its thread id. Rows without a thread stand alone.

interface Threaded {
  thread: string | null;
  threadKeys: readonly string[];
}

/** The first row that named each key, with union-find over rows that share one. */
function conversations(rows: readonly Threaded[]): number[] {
  const parent = rows.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstWith = new Map<string, number>();
  rows.forEach((row, i) => {
    for (const key of row.threadKeys) {
      const other = firstWith.get(key);
      if (other === undefined) firstWith.set(key, i);
      else {
        // The earlier row (newer in the list) stays the conversation's root.
        const [a, b] = [root(other), root(i)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  return rows.map((_, i) => root(i));
}

export function groupByThread<T extends Threaded>(rows: readonly T[]): { row: T; follows: boolean }[] {
  const roots = conversations(rows);
  const groups = new Map<number, T[]>();
  const order: T[][] = [];
  rows.forEach((row, i) => {
    const r = row.thread === null && row.threadKeys.length === 0 ? -1 - i : roots[i]!;
    const group = groups.get(r);
    if (group) group.push(row);
    else {
      const fresh = [row];
      groups.set(r, fresh);
      order.push(fresh);
    }
  });
  return order.flatMap((g) =>
    g.map((row, i) => ({ row: i > 0 ? { ...row, thread: g[0]!.thread } : row, follows: i > 0 })),
  );
}
