// Conversations in the list (mailbox-v1 §4.4 thread ids, from In-Reply-To and References): the
// newest message of a thread stays where the list has it, the thread's other messages on the
// page follow it, newest first. Rows without a thread stand alone.

interface Threaded {
  thread: string | null;
}

export function groupByThread<T extends Threaded>(rows: readonly T[]): { row: T; follows: boolean }[] {
  const groups = new Map<string, T[]>();
  const order: (T | T[])[] = [];
  for (const row of rows) {
    const group = row.thread === null ? undefined : groups.get(row.thread);
    if (group) group.push(row);
    else if (row.thread === null) order.push(row);
    else {
      const fresh = [row];
      groups.set(row.thread, fresh);
      order.push(fresh);
    }
  }
  return order.flatMap((g) =>
    Array.isArray(g) ? g.map((row, i) => ({ row, follows: i > 0 })) : [{ row: g, follows: false }],
  );
}
