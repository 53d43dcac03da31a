// A production Worker with every setting worker/src/http/config.ts requires, for tests that
// check what production does once it is configured (and, by leaving one out, that it fails closed).

import { EXTENSION_ORIGIN } from './accounts.ts';

export const PRODUCTION_SETTINGS = {
  ENVIRONMENT: 'production',
  SERVER_SECRET: 'x'.repeat(43),
  SERVICE_URL: 'https://api.noise.test',
  EXTENSION_ORIGINS: EXTENSION_ORIGIN,
  LOG_SIGNING_KEY: 'set',
  LOG_VRF_KEY: 'set',
} as const;
