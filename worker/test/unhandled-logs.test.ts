// docs/threat-model.md: the Worker never logs plaintext or addresses. An unexpected error reaches
// app.onError with whatever message its thrower wrote, and storage, parser and crypto errors
// quote their input; the handler logs the error's class and the route only. Attacked with a
// database whose every statement fails with an error quoting what it was bound to.

import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { BASE } from './support/accounts.ts';
import { captureConsole } from './support/console-capture.ts';

const CANARY = 'canary5e2b17';

const logged = captureConsole();

/** A prepared statement whose every run fails with an error quoting the SQL and its bindings. */
function quotingStatement(sql: string, bound: unknown[]): unknown {
  const fail = (what: string) => () => {
    throw new Error(`${what} failed: ${sql} with ${JSON.stringify(bound)}`);
  };
  return {
    bind: (...args: unknown[]) => quotingStatement(sql, args),
    first: fail('first'),
    all: fail('all'),
    run: fail('run'),
    raw: fail('raw'),
    quoted: JSON.stringify(bound),
  };
}

function quotingDb(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => quotingStatement(sql, []);
      if (prop === 'batch')
        return (statements: { quoted: string }[]) => {
          throw new Error(`batch failed: ${statements.map((s) => s.quoted).join(' ')}`);
        };
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('unexpected errors', () => {
  it('answer 500 internal in JSON and log the class and the route, never the input', async () => {
    const address = `${CANARY}@noise.localhost`;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/v1/lookup/by-email/${encodeURIComponent(address)}`),
      { ...env, DB: quotingDb(env.DB) },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
    // The failure is logged (an operator must see that something broke) ...
    expect(logged.some((l) => l.includes('Error'))).toBe(true);
    // ... but nothing of what the request carried.
    expect(logged.filter((l) => l.toLowerCase().includes(CANARY))).toEqual([]);
  });
});
