// An account with a service inbox whose OpenPGP private key the test keeps, to open what the
// Worker sealed to its published key; and the inbox API called with its session.

import * as openpgp from 'openpgp';
import { expect } from 'vitest';
import type { SessionTokens } from '../../../shared/api/accounts.ts';
import { api, freshInbox, registerAccount } from '../support/accounts.ts';

export interface InboxAccount {
  address: string;
  accountId: string;
  token: string;
  authKey: string;
  session: SessionTokens;
  privateKey: openpgp.PrivateKey;
  publicKey: string;
}

export async function inboxAccount(prefix = 'alice'): Promise<InboxAccount> {
  const address = freshInbox(prefix);
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: address }],
    format: 'armored',
  });
  const reg = await registerAccount(address, { keys: { openpgpKey: publicKey } });
  return {
    address,
    accountId: reg.accountId,
    token: reg.session.accessToken,
    authKey: reg.authKey,
    session: reg.session,
    privateKey: await openpgp.readPrivateKey({ armoredKey: privateKey }),
    publicKey,
  };
}

export function inboxApi(who: InboxAccount, path: string, init: RequestInit & { json?: unknown } = {}) {
  return api(`/api/v1/inboxes/${encodeURIComponent(who.address)}${path}`, { ...init, token: who.token });
}

/** Opens something the Worker sealed to the account's key (no signature expected: the edge signs nothing). */
export async function openSealed(who: InboxAccount, sealed: Uint8Array): Promise<Uint8Array> {
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: sealed }),
    decryptionKeys: who.privateKey,
    format: 'binary',
  });
  return data as Uint8Array;
}

/** A second inbox on the account, bound to a key as the client does after adding it. */
export async function addInbox(who: InboxAccount): Promise<string> {
  const address = freshInbox('second');
  const res = await api('/api/v1/account/addresses', { method: 'POST', json: { address }, token: who.token });
  expect(res.status).toBe(201);
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: who.address }, { email: address }],
    format: 'armored',
  });
  const published = await api('/api/v1/directory/keys', {
    method: 'POST',
    json: { openpgpKey: publicKey },
    token: who.token,
  });
  expect(published.status).toBeLessThan(300);
  return address;
}
