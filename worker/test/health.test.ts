import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';

it('answers /health and gives unknown routes a JSON 404', async () => {
  expect(await (await SELF.fetch('https://noise.test/health')).json()).toEqual({ ok: true });
  const missing = await SELF.fetch('https://noise.test/nope');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'No such route.' } });
});
