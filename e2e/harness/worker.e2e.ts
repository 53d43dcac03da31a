import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from './worker.ts';

let server: WorkerServer;
beforeAll(async () => {
  server = await startWorker();
});
afterAll(async () => {
  await server?.stop();
});

it('runs the Worker on workerd with a migrated D1', async () => {
  const res = await fetch(`${server.url}/health`);
  expect(await res.json()).toEqual({ ok: true });
});
