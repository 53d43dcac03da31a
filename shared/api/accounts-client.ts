// Account, session and vault calls of the one API client (shared/api/client.ts), over its
// transport. Shapes and routes: ./accounts.ts, docs/api.md.

import {
  ACCOUNT_ROUTES,
  AccountAddressInfo,
  AccountResponse,
  type AddAddressRequest,
  type ChangePassphraseRequest,
  ConfirmVerificationResponse,
  KdfResponse,
  type LoginRequest,
  OkResponse,
  PutVaultResponse,
  type RegisterRequest,
  RegisterResponse,
  SessionListResponse,
  StartVerificationResponse,
  VaultResponse,
} from './accounts.ts';
import type { Transport } from './transport.ts';

export function accountCalls(t: Transport) {
  const { call, store } = t;
  return {
    /** Current session tokens, if logged in. */
    session: async () => store.get(),

    verification: {
      /**
       * Mails a code for `address`. The proof serves a new account; with `forAccount`, the session
       * starts it and the proof serves only adding the address to this account (docs/api.md).
       */
      start: (address: string, options: { forAccount?: boolean } = {}) =>
        call(StartVerificationResponse, ACCOUNT_ROUTES.verifications, {
          method: 'POST',
          json: { address },
          auth: options.forAccount === true,
        }),
      /** With the mailed code, or without one once the mailed link was confirmed. */
      confirm: (verificationId: string, code?: string) =>
        call(ConfirmVerificationResponse, ACCOUNT_ROUTES.confirmVerification(verificationId), {
          method: 'POST',
          json: code === undefined ? {} : { code },
          auth: false,
        }),
    },

    /** Registers and keeps the account's first session. */
    async register(body: RegisterRequest) {
      const out = await call(RegisterResponse, ACCOUNT_ROUTES.accounts, {
        method: 'POST',
        json: body,
        auth: false,
      });
      await store.set(out.session);
      return out;
    },

    kdfParams: async (address: string) =>
      (await call(KdfResponse, ACCOUNT_ROUTES.kdf, { method: 'POST', json: { address }, auth: false })).kdf,

    /** Logs in: a new server session, kept in place of any stored one. */
    login: (body: LoginRequest) => t.login(body),

    refresh: () => t.refresh(),

    async logout() {
      try {
        await call(OkResponse, ACCOUNT_ROUTES.logout, { method: 'POST', auth: true });
      } finally {
        await store.set(undefined);
      }
    },

    sessions: {
      list: async () =>
        (await call(SessionListResponse, ACCOUNT_ROUTES.sessions, { method: 'GET', auth: true })).sessions,
      revoke: (id: string) => call(OkResponse, ACCOUNT_ROUTES.session(id), { method: 'DELETE', auth: true }),
    },

    account: {
      get: () => call(AccountResponse, ACCOUNT_ROUTES.account, { method: 'GET', auth: true }),
      addAddress: (body: AddAddressRequest) =>
        call(AccountAddressInfo, ACCOUNT_ROUTES.addresses, { method: 'POST', json: body, auth: true }),
      /** Rewraps auth key, KDF params and vault at once; the other sessions are revoked. */
      changePassphrase: (body: ChangePassphraseRequest) =>
        call(PutVaultResponse, ACCOUNT_ROUTES.passphrase, { method: 'POST', json: body, auth: true }),
    },

    vault: {
      get: () => call(VaultResponse, ACCOUNT_ROUTES.vault, { method: 'GET', auth: true }),
      /** Compare-and-swap: throws ApiClientError 412 'vault_conflict' (with etag) when `version` is stale. */
      put: (vault: string, version: number) =>
        call(PutVaultResponse, ACCOUNT_ROUTES.vault, {
          method: 'PUT',
          json: { vault },
          auth: true,
          headers: { 'If-Match': `"${version}"` },
        }),
    },
  };
}
