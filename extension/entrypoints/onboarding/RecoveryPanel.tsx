// Recovery: an encrypted backup file (the wrapped vault, opened by the passphrase) and a
// printable sheet with a high-entropy recovery code that opens a second wrapped copy.

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import { t } from '../../platform/browser.ts';
import { download, ErrorText } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

export function RecoveryPanel() {
  const [sheet, setSheet] = useState<{ code: string; address: string; createdAt: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function backup() {
    setError(null);
    try {
      const b = await call('identity.exportBackup', {});
      download(b.fileName, b.contents, 'application/json');
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function makeSheet() {
    setError(null);
    try {
      setSheet(await call('identity.createRecovery', {}));
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <section id="recovery" aria-labelledby="recovery-h">
      <h2 id="recovery-h">{t('recoveryHeading')}</h2>
      <p>{t('recoveryIntro')}</p>
      <div class="choices no-print">
        <button type="button" class="secondary" onClick={backup} data-testid="export-backup">
          {t('exportBackup')}
        </button>
        <button type="button" class="secondary" onClick={makeSheet} data-testid="make-recovery">
          {t('makeRecoverySheet')}
        </button>
      </div>
      {sheet && (
        <div class="recovery-sheet" data-testid="recovery-sheet">
          <p>{t('recoverySheetFor', [sheet.address, new Date(sheet.createdAt).toLocaleDateString()])}</p>
          <p class="recovery-code" data-testid="recovery-code">
            {sheet.code}
          </p>
          <p class="hint">{t('recoverySheetHint')}</p>
          <button type="button" class="no-print" onClick={() => window.print()}>
            {t('print')}
          </button>
        </div>
      )}
      <ErrorText message={error} />
    </section>
  );
}
