// Own identity: fingerprints, public key and backup export, prekey stock, revocation.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { IdentityView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { download, ErrorText, Notice } from '../../ui/controls.tsx';
import { Fingerprint } from '../../ui/Fingerprint.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { RecoveryPanel } from '../onboarding/RecoveryPanel.tsx';

const DAY = 24 * 60 * 60_000;

export function IdentitySection(props: { revision: number }) {
  const [identity, setIdentity] = useState<IdentityView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    call('identity.get', {})
      .then(setIdentity)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, [props.revision]);

  async function exportPublic() {
    const k = await call('identity.exportPublicKey', {});
    download(k.fileName, k.armored, 'application/pgp-keys');
  }

  async function revoke() {
    setError(null);
    try {
      await call('identity.revoke', { confirm: true });
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  if (!identity) return <ErrorText message={error} />;
  const spkAgeDays = Math.floor((Date.now() - identity.signedPrekeyCreatedAt * 1000) / DAY);
  return (
    <section id="identity" aria-labelledby="identity-h" data-testid="identity">
      <h2 id="identity-h">{t('identityHeading')}</h2>
      <p>{identity.addresses.join(', ')}</p>
      {identity.revoked && <Notice tone="warning">{t('identityRevoked')}</Notice>}
      <Fingerprint label={t('pgpFingerprint')} value={identity.fingerprints.pgp} testId="fp-pgp" />
      <Fingerprint
        label={t('envelopeFingerprint')}
        value={identity.fingerprints.envelope}
        testId="fp-envelope"
      />
      <p class="hint">
        {t('pgpUserIds', identity.pgpUserIds.join(', '))}
        <br />
        <span data-testid="opk-stock">
          {identity.oneTimePrekeys === null
            ? t('opkUnknown')
            : t('opkStock', String(identity.oneTimePrekeys))}
        </span>
        <br />
        {t('spkAge', String(spkAgeDays))}
      </p>
      <div class="choices">
        <button type="button" class="secondary" onClick={exportPublic}>
          {t('exportPublicKey')}
        </button>
        {!identity.revoked && (
          <ConfirmButton
            label={t('revoke')}
            confirmLabel={t('revokeConfirm')}
            warning={t('revokeWarning')}
            testId="revoke"
            onConfirm={revoke}
          />
        )}
      </div>
      <ErrorText message={error} />
      <RecoveryPanel />
    </section>
  );
}
