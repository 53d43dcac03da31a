// Shows zxcvbn-ts's estimate for the passphrase being typed: the bars in the colour of the
// verdict (red from "very weak"), then each sentence on its own line.

import { useEffect, useState } from 'preact/hooks';
import { t } from '../platform/browser.ts';
import { measure, type Strength } from './strength.ts';

export function StrengthMeter(props: {
  passphrase: string;
  userInputs: string[];
  onScore: (score: number) => void;
}) {
  const [strength, setStrength] = useState<Strength | null>(null);
  const { passphrase, userInputs, onScore } = props;
  useEffect(() => {
    let live = true;
    if (!passphrase) {
      setStrength(null);
      onScore(0);
      return;
    }
    measure(passphrase, userInputs).then((s) => {
      if (!live) return;
      setStrength(s);
      onScore(s.score);
    });
    return () => {
      live = false;
    };
  }, [passphrase, userInputs.join('\n')]);

  const score = strength?.score ?? 0;
  return (
    <div class="strength" aria-live="polite">
      <div
        class="meter"
        role="img"
        data-score={strength ? score : undefined}
        aria-label={t('strengthLabel', t(`strength${score}`))}
      >
        {[0, 1, 2, 3].map((i) => (
          <span key={i} class={strength && score > i ? 'on' : ''} />
        ))}
      </div>
      {strength ? (
        <ul class="strength-text" data-testid="strength" data-score={score}>
          <li class={`verdict-${score}`}>{t(`strength${score}`)}</li>
          {strength.crackTime && <li>{t('strengthCrack', strength.crackTime)}</li>}
          {strength.warning && <li>{strength.warning}</li>}
        </ul>
      ) : null}
    </div>
  );
}
