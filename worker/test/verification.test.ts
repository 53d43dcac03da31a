import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  ConfirmVerificationResponse,
  RegisterResponse,
  StartVerificationResponse,
} from '../../shared/api/accounts.ts';
import { buildVerificationMail } from '../src/verification/mail.ts';
import { expectError, registerBody } from './support/accounts.ts';
import { appFetch, readVerificationMail, recordingEnv } from './support/mail-recorder.ts';

async function start(e: typeof env, address: string) {
  return appFetch(e, '/api/v1/verifications', { method: 'POST', json: { address } });
}

describe('verification mail', () => {
  it('builds a mail the send_email rules accept: Message-ID, From = sender, no Received', () => {
    const m = buildVerificationMail({
      serviceDomain: 'noise.localhost',
      to: 'x@example.org',
      code: '012345',
      link: 'https://w/l',
      purpose: { accountId: null, fingerprint: null },
    });
    expect(m.from).toBe('verify@noise.localhost');
    expect(m.raw).toMatch(/^Message-ID: <[A-Za-z0-9_-]+@noise\.localhost>\r?$/m);
    expect(m.raw).toMatch(/^From: .*<verify@noise\.localhost>\r?$/m);
    expect(m.raw).not.toMatch(/^Received:/im);
  });

  it('mails a code and a link through MAILER, at most once per address per hour', async () => {
    const { env: e, sent } = recordingEnv();
    const res = await start(e, 'Carol@Example.org');
    expect(res.status).toBe(202);
    const body = StartVerificationResponse.parse(await res.json());
    expect(body.address).toBe('carol@example.org');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.from).toBe('verify@noise.localhost');
    expect(sent[0]?.to).toBe('carol@example.org');
    const mail = await readVerificationMail(sent[0]!);
    expect(mail.parsed.messageId).toBeTruthy();
    expect(mail.code).toMatch(/^\d{6}$/);

    const again = await start(e, 'carol@example.org');
    await expectError(again, 429, 'verification_rate_limited');
    expect(Number(again.headers.get('Retry-After'))).toBeGreaterThan(3500);
    expect(sent).toHaveLength(1);
  });

  it('lets exactly one of concurrent starts for one address send', async () => {
    const { env: e, sent } = recordingEnv();
    const results = await Promise.all(Array.from({ length: 8 }, () => start(e, 'dave@example.org')));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
    expect(sent).toHaveLength(1);
  });

  it('refuses to verify a service-domain inbox', async () => {
    const { env: e } = recordingEnv();
    await expectError(await start(e, 'someone@noise.localhost'), 400, 'no_verification_needed');
  });
});

describe('confirmation', () => {
  it('never confirms on GET; the link confirms only by POST', async () => {
    const { env: e, sent } = recordingEnv();
    const { verificationId } = StartVerificationResponse.parse(
      await (await start(e, 'erin@example.org')).json(),
    );
    const { linkPath } = await readVerificationMail(sent[0]!);

    // A prefetcher's GETs (HTML and JSON) only show the confirm form.
    const page = await appFetch(e, linkPath, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    const asJson = await appFetch(e, linkPath, { headers: { Accept: 'application/json' } });
    expect(await asJson.json()).toEqual({
      address: 'erin@example.org',
      confirmed: false,
      confirmWith: 'POST',
    });
    const early = await appFetch(e, `/api/v1/verifications/${verificationId}/confirm`, {
      method: 'POST',
      json: {},
    });
    await expectError(early, 409, 'verification_pending');

    const confirmed = await appFetch(e, linkPath, {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    expect(await confirmed.json()).toEqual({ address: 'erin@example.org', confirmed: true });
    const proof = await appFetch(e, `/api/v1/verifications/${verificationId}/confirm`, {
      method: 'POST',
      json: {},
    });
    expect(proof.status).toBe(200);
    const { proofToken, address } = ConfirmVerificationResponse.parse(await proof.json());

    // The proof lets the external address register, once.
    const reg = await appFetch(e, '/api/v1/accounts', {
      method: 'POST',
      json: await registerBody(address, { proofToken }),
    });
    expect(reg.status).toBe(201);
    const out = RegisterResponse.parse(await reg.json());
    expect(out.addresses[0]).toMatchObject({ address: 'erin@example.org', kind: 'external' });
    const row = await env.DB.prepare('SELECT verified_at FROM addresses WHERE address = ?1')
      .bind(address)
      .first<{ verified_at: number }>();
    expect(row?.verified_at).toBeGreaterThan(0);
    const reuse = await appFetch(e, '/api/v1/accounts', {
      method: 'POST',
      json: await registerBody(address, { proofToken }),
    });
    expect(reuse.status).toBeGreaterThanOrEqual(400);

    // Starting a verification does not reveal that the address is registered now.
    await env.DB.prepare('DELETE FROM verification_mail WHERE address = ?1').bind(address).run();
    expect((await start(e, address)).status).toBe(202);
  });

  it('accepts the mailed code, limits attempts and binds the proof to its address', async () => {
    const { env: e, sent } = recordingEnv();
    const { verificationId } = StartVerificationResponse.parse(
      await (await start(e, 'frank@example.org')).json(),
    );
    const { code } = await readVerificationMail(sent[0]!);
    const wrong = code === '000000' ? '000001' : '000000';
    await expectError(
      await appFetch(e, `/api/v1/verifications/${verificationId}/confirm`, {
        method: 'POST',
        json: { code: wrong },
      }),
      400,
      'wrong_code',
    );
    const ok = await appFetch(e, `/api/v1/verifications/${verificationId}/confirm`, {
      method: 'POST',
      json: { code },
    });
    const { proofToken } = ConfirmVerificationResponse.parse(await ok.json());
    // The proof is for frank@, not for anyone else.
    const other = await appFetch(e, '/api/v1/accounts', {
      method: 'POST',
      json: await registerBody('grace@example.org', { proofToken }),
    });
    await expectError(other, 403, 'invalid_proof');

    // Five attempts in all, then the verification is gone even for the right code.
    const { verificationId: id2 } = StartVerificationResponse.parse(
      await (await start(e, 'heidi@example.org')).json(),
    );
    const { code: code2 } = await readVerificationMail(sent[1]!);
    const bad = code2 === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) {
      await expectError(
        await appFetch(e, `/api/v1/verifications/${id2}/confirm`, { method: 'POST', json: { code: bad } }),
        400,
      );
    }
    await expectError(
      await appFetch(e, `/api/v1/verifications/${id2}/confirm`, { method: 'POST', json: { code: code2 } }),
      404,
      'verification_not_found',
    );
  });

  it('answers unknown links and ids with a JSON 404', async () => {
    const { env: e } = recordingEnv();
    await expectError(
      await appFetch(e, `/api/v1/verifications/link/${'x'.repeat(43)}`),
      404,
      'verification_not_found',
    );
    await expectError(
      await appFetch(e, `/api/v1/verifications/link/${'x'.repeat(43)}`, { method: 'POST' }),
      404,
      'verification_not_found',
    );
    await expectError(
      await appFetch(e, `/api/v1/verifications/${'y'.repeat(43)}/confirm`, {
        method: 'POST',
        json: { code: '123456' },
      }),
      404,
    );
  });
});
