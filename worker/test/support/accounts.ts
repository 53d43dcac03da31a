// Test support for the accounts side: real OpenPGP keys (openpgp.js), real requests through
// the Worker (SELF.fetch), no stubs.

import { SELF } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import {
  KDF_DEFAULTS,
  type KdfParams,
  type RegisterRequest,
  RegisterResponse,
  SessionTokens,
} from '../../../shared/api/accounts.ts';
import { toBase64Url, utf8 } from '../../../shared/encoding.ts';

export const BASE = 'https://noise.test';
export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

export function api(
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set('Content-Type', 'application/json');
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return SELF.fetch(`${BASE}${path}`, { ...init, headers, body });
}

export function randomB64u(bytes: number): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function newKdf(): KdfParams {
  return { ...KDF_DEFAULTS, salt: randomB64u(16) };
}

/** A vault blob for tests: base64url of UTF-8 JSON (the real one is ciphertext). */
export function vaultOf(value: unknown): string {
  return toBase64Url(utf8(JSON.stringify(value)));
}

const keyCache = new Map<string, string>();

export async function publicKeyFor(address: string): Promise<string> {
  const cached = keyCache.get(address);
  if (cached) return cached;
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: address }],
    format: 'armored',
  });
  keyCache.set(address, publicKey);
  return publicKey;
}

let counter = 0;
/** A fresh service-domain inbox (the test wrangler.toml uses SERVICE_DOMAIN = noise.localhost). */
export function freshInbox(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}-${randomB64u(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@noise.localhost`;
}

export async function registerBody(
  address: string,
  extra: Partial<RegisterRequest> = {},
): Promise<RegisterRequest> {
  return {
    address,
    kdf: newKdf(),
    authKey: randomB64u(32),
    vault: vaultOf({ items: [] }),
    keys: { openpgpKey: await publicKeyFor(address) },
    deviceName: 'test device',
    ...extra,
  };
}

export interface Registered {
  address: string;
  authKey: string;
  kdf: KdfParams;
  session: SessionTokens;
  accountId: string;
}

export async function registerAccount(
  address = freshInbox(),
  extra: Partial<RegisterRequest> = {},
): Promise<Registered> {
  const body = await registerBody(address, extra);
  const res = await api('/api/v1/accounts', { method: 'POST', json: body });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const out = RegisterResponse.parse(await res.json());
  return { address, authKey: body.authKey, kdf: body.kdf, session: out.session, accountId: out.accountId };
}

export async function login(
  address: string,
  authKey: string,
  ip = '192.0.2.1',
  deviceName = 'laptop',
): Promise<Response> {
  return api('/api/v1/auth/login', {
    method: 'POST',
    json: { address, authKey, deviceName },
    headers: { 'CF-Connecting-IP': ip },
  });
}

export async function loginTokens(address: string, authKey: string, ip?: string): Promise<SessionTokens> {
  const res = await login(address, authKey, ip);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return SessionTokens.parse(await res.json());
}

export async function expectError(res: Response, status: number, code?: string): Promise<void> {
  const { expect } = await import('vitest');
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
}
