// Runs the project's wrangler offline and self-contained: no metrics, no cf.json fetch,
// config under the project instead of ~/.config. Usage: node scripts/wrangler.mjs <args>
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function wranglerEnv(extra = {}) {
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    XDG_CONFIG_HOME: `${root}.wrangler-config`,
    ...extra,
  };
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
  return env;
}

export function wrangler(args, options = {}) {
  return spawn(`${root}node_modules/.bin/wrangler`, args, {
    cwd: root,
    env: wranglerEnv(options.env),
    stdio: options.stdio ?? 'inherit',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const child = wrangler(process.argv.slice(2));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
