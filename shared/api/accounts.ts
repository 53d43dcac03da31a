// Request and response schemas of accounts, sessions, the vault and address verification
// (docs/api.md, Address verification to Vault). Byte fields are base64url without padding. Objects are strict:
// unknown fields are refused. The Worker validates requests, the client validates responses.

import { z } from 'zod';
import { hasAsciiDomain, isAddress } from '../address.ts';
import { BASE64URL, b64uBytes, PublishKeysRequest } from './directory.ts';

/** Encrypted vault limit: 1 MiB of ciphertext, i.e. its base64url length. */
export const VAULT_MAX_BYTES = 1024 * 1024;
export const VAULT_MAX_CHARS = Math.ceil((VAULT_MAX_BYTES * 4) / 3);

/** An address as typed, with an ASCII domain; the server keeps its normal form (docs/api.md, Addresses). */
export const AccountAddress = z
  .string()
  .min(3)
  .max(254)
  .refine((a) => isAddress(a) && hasAsciiDomain(a), 'address');

/**
 * Argon2id parameters (RFC 9106 §4, second recommended option: t=3, p=4, m=64 MiB). They are
 * fixed so that fake parameters for unknown addresses look exactly like real ones.
 */
export const KDF_DEFAULTS = {
  algorithm: 'argon2id',
  version: 19,
  iterations: 3,
  memoryKiB: 65536,
  parallelism: 4,
} as const;

export const KdfParams = z.strictObject({
  algorithm: z.literal(KDF_DEFAULTS.algorithm),
  version: z.literal(KDF_DEFAULTS.version),
  iterations: z.literal(KDF_DEFAULTS.iterations),
  memoryKiB: z.literal(KDF_DEFAULTS.memoryKiB),
  parallelism: z.literal(KDF_DEFAULTS.parallelism),
  /** 16 random bytes chosen by the client. */
  salt: b64uBytes(16),
});
export type KdfParams = z.infer<typeof KdfParams>;

/** 32-byte key the client derives from the passphrase; the server never sees the passphrase. */
export const AuthKey = b64uBytes(32);
export const Vault = z.string().min(1).max(VAULT_MAX_CHARS).regex(BASE64URL, 'base64url');
export const DeviceName = z.string().trim().min(1).max(100);
const Token = z.string().min(16).max(200).regex(BASE64URL, 'base64url');

// --- Address verification -------------------------------------------------------------

export const StartVerificationRequest = z.strictObject({ address: AccountAddress });
export const StartVerificationResponse = z.strictObject({
  /** Secret handle of this verification, known only to the client that started it. */
  verificationId: Token,
  address: z.string(),
  expiresAt: z.number().int(),
});
export type StartVerificationResponse = z.infer<typeof StartVerificationResponse>;

/** Confirm with the 6-digit code; without a code it succeeds only once the mailed link was confirmed. */
export const ConfirmVerificationRequest = z.strictObject({
  code: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
});
export const ConfirmVerificationResponse = z.strictObject({
  address: z.string(),
  /** Short-lived proof that registration (or adding the address) requires. */
  proofToken: Token,
  expiresAt: z.number().int(),
});
export type ConfirmVerificationResponse = z.infer<typeof ConfirmVerificationResponse>;

// --- Accounts and sessions -------------------------------------------------------------

export const SessionTokens = z.strictObject({
  sessionId: z.string(),
  accountId: z.string(),
  accessToken: Token,
  accessExpiresAt: z.number().int(),
  refreshToken: Token,
  refreshExpiresAt: z.number().int(),
  /**
   * Given at login and registration: presented at the next login on this device, it exempts the
   * device from the per-address lockout others can trigger (docs/api.md, "Lockout").
   */
  deviceToken: Token.optional(),
});
export type SessionTokens = z.infer<typeof SessionTokens>;

export const RegisterRequest = z.strictObject({
  address: AccountAddress,
  /** Required for an external address: from ConfirmVerificationResponse. */
  proofToken: Token.optional(),
  kdf: KdfParams,
  authKey: AuthKey,
  vault: Vault,
  keys: PublishKeysRequest,
  deviceName: DeviceName,
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const AccountAddressInfo = z.strictObject({
  address: z.string(),
  kind: z.enum(['service', 'external']),
  verifiedAt: z.number().int().nullable(),
});
export const RegisterResponse = z.strictObject({
  accountId: z.string(),
  addresses: z.array(AccountAddressInfo),
  fingerprint: z.string(),
  session: SessionTokens,
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const AccountResponse = z.strictObject({
  accountId: z.string(),
  createdAt: z.number().int(),
  addresses: z.array(AccountAddressInfo),
  vaultVersion: z.number().int(),
});
export type AccountResponse = z.infer<typeof AccountResponse>;

/** Adds another proven address to the account (a proof is needed unless it is a service inbox). */
export const AddAddressRequest = z.strictObject({ address: AccountAddress, proofToken: Token.optional() });
export type AddAddressRequest = z.infer<typeof AddAddressRequest>;

export const KdfRequest = z.strictObject({ address: AccountAddress });
export const KdfResponse = z.strictObject({ kdf: KdfParams });
export type KdfResponse = z.infer<typeof KdfResponse>;

export const LoginRequest = z.strictObject({
  address: AccountAddress,
  authKey: AuthKey,
  deviceName: DeviceName,
  /** The device token of an earlier login or registration on this device, if any. */
  deviceToken: Token.optional(),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.strictObject({ refreshToken: Token });

export const SessionInfo = z.strictObject({
  id: z.string(),
  deviceName: z.string(),
  userAgent: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
export const SessionListResponse = z.strictObject({ sessions: z.array(SessionInfo) });

export const OkResponse = z.strictObject({ ok: z.literal(true) });

// --- Vault -------------------------------------------------------------------------------

export const VaultResponse = z.strictObject({ vault: Vault, version: z.number().int().min(1) });
export type VaultResponse = z.infer<typeof VaultResponse>;
export const PutVaultRequest = z.strictObject({ vault: Vault });
export const PutVaultResponse = z.strictObject({ version: z.number().int().min(1) });

/** Rewraps everything at once: the new auth key, KDF salt and the vault encrypted under the new key. */
export const ChangePassphraseRequest = z.strictObject({
  currentAuthKey: AuthKey,
  newAuthKey: AuthKey,
  kdf: KdfParams,
  vault: Vault,
  /** The vault version the rewrap started from (compare-and-swap, like If-Match). */
  vaultVersion: z.number().int().min(1),
});
export type ChangePassphraseRequest = z.infer<typeof ChangePassphraseRequest>;

export const ACCOUNT_ROUTES = {
  verifications: '/api/v1/verifications',
  confirmVerification: (id: string) => `/api/v1/verifications/${encodeURIComponent(id)}/confirm`,
  verificationLink: (token: string) => `/api/v1/verifications/link/${encodeURIComponent(token)}`,
  accounts: '/api/v1/accounts',
  account: '/api/v1/account',
  addresses: '/api/v1/account/addresses',
  passphrase: '/api/v1/account/passphrase',
  kdf: '/api/v1/auth/kdf',
  login: '/api/v1/auth/login',
  refresh: '/api/v1/auth/refresh',
  logout: '/api/v1/auth/logout',
  sessions: '/api/v1/sessions',
  session: (id: string) => `/api/v1/sessions/${encodeURIComponent(id)}`,
  vault: '/api/v1/vault',
} as const;
