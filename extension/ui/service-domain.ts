// The inbox domain to show in examples during onboarding. The Worker's SERVICE_DOMAIN is the
// server's own host in a deployment (README, "Deploy the Worker"); a local `wrangler dev` on a
// loopback address uses wrangler.toml's development domain. Only an example for a hint: the
// server checks every address it is given.

/** wrangler.toml's SERVICE_DOMAIN for local development (scripts/start.mjs uses it too). */
export const LOCAL_SERVICE_DOMAIN = 'noise.localhost';

export function exampleServiceDomain(serverUrl: string): string {
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toLowerCase();
  } catch {
    return LOCAL_SERVICE_DOMAIN;
  }
  const loopback =
    host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
  return loopback || /^[\d.]+$/.test(host) ? LOCAL_SERVICE_DOMAIN : host;
}
