// Request validation with @hono/zod-validator: failures answer 400 in the one error shape,
// naming the offending field but never echoing its value.

import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { errorResponse } from './errors.ts';

export function validate<T extends ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : target;
      return errorResponse(c, 400, 'invalid_request', `Invalid ${where}: ${issue?.code ?? 'invalid'}.`);
    }
  });
}

export function validateJson<T extends ZodType>(schema: T) {
  return validate('json', schema);
}
