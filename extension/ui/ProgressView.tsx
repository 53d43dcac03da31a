// Polls the background while it generates keys, derives the passphrase key and registers.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import { t } from '../platform/browser.ts';
import { Progress } from './controls.tsx';

export function ProgressView() {
  const [progress, setProgress] = useState<{ step: string; done: number; total: number } | null>(null);
  useEffect(() => {
    const timer = setInterval(() => {
      call('status', {})
        .then((s) => setProgress(s.progress))
        .catch(() => {});
    }, 250);
    return () => clearInterval(timer);
  }, []);
  const step = progress?.step ?? 'start';
  return (
    <div data-testid="progress" aria-live="polite">
      <Progress label={t(`progress_${step}`)} done={progress?.done ?? 0} total={progress?.total || 1} />
    </div>
  );
}
