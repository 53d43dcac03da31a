// The Hono app: middleware, error mapping and the route modules.

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env.ts';
import { ApiError, errorResponse } from './http/errors.ts';

export const app = new Hono<AppEnv>();

app.get('/health', (c) => c.json({ ok: true }));

app.notFound((c) => errorResponse(c, 404, 'not_found', 'No such route.'));

app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message);
  if (err instanceof HTTPException) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 400;
    return errorResponse(c, status as 400, 'bad_request', err.message || 'Bad request.');
  }
  console.error('unhandled', err);
  return errorResponse(c, 500, 'internal', 'Internal error.');
});
