// Scans everything the Worker stores for a string: every row of every D1 table, every row of
// every table in every Mailbox Durable Object named, and every R2 object. The inbound promise
// (docs/threat-model.md) is that a plaintext canary appears in none of them.

import { env, runInDurableObject } from 'cloudflare:test';
import { mailboxStub } from '../../src/mailbox/stub.ts';

function cellsOf(row: Record<string, unknown>): string[] {
  return Object.values(row).map((v) => {
    if (v === null || v === undefined) return '';
    if (v instanceof ArrayBuffer) return new TextDecoder().decode(v);
    if (ArrayBuffer.isView(v)) return new TextDecoder().decode(v as Uint8Array);
    return String(v);
  });
}

async function d1Cells(): Promise<string[]> {
  const tables = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
  ).all<{ name: string }>();
  const cells: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
    for (const r of rows.results) cells.push(...cellsOf(r));
  }
  return cells;
}

export async function mailboxCells(address: string): Promise<string[]> {
  return runInDurableObject(mailboxStub(env, address), (_instance, state) => {
    const cells: string[] = [];
    const tables = state.storage.sql
      .exec<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
      )
      .toArray();
    for (const { name } of tables) {
      for (const r of state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()) cells.push(...cellsOf(r));
    }
    return cells;
  });
}

export async function r2Objects(): Promise<{ key: string; bytes: Uint8Array }[]> {
  const out: { key: string; bytes: Uint8Array }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.MAIL_BODIES.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const o of page.objects) {
      const got = await env.MAIL_BODIES.get(o.key);
      if (got) out.push({ key: o.key, bytes: new Uint8Array(await got.arrayBuffer()) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out;
}

/** Where the needle (case-insensitive) occurs: D1, each mailbox's DO storage, R2 objects and keys. */
export async function findEverywhere(needle: string, mailboxes: readonly string[]): Promise<string[]> {
  const lower = needle.toLowerCase();
  const hits: string[] = [];
  for (const cell of await d1Cells())
    if (cell.toLowerCase().includes(lower)) hits.push(`D1: ${cell.slice(0, 80)}`);
  for (const address of mailboxes)
    for (const cell of await mailboxCells(address))
      if (cell.toLowerCase().includes(lower)) hits.push(`DO ${address}: ${cell.slice(0, 80)}`);
  for (const o of await r2Objects()) {
    const text = new TextDecoder('latin1').decode(o.bytes).toLowerCase();
    if (text.includes(lower) || o.key.toLowerCase().includes(lower)) hits.push(`R2 ${o.key}`);
  }
  return hits;
}
