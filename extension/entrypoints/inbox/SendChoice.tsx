// The sender's choice for recipients without a key, for this message only: leave them out, or
// send them the message unencrypted (sealed to the relay on the way, readable by the relay while
// it sends and by every mail server after it). The plaintext choice needs the warning confirmed,
// and the confirmation names the addresses it covers: a recipient added later is not covered.

import { normalizeAddress } from '../../../shared/address.ts';
import { t } from '../../platform/browser.ts';

export type WithoutKey = 'seal' | 'omit';

export function SendChoice(props: {
  keyless: string[];
  choice: WithoutKey | null;
  confirmed: string[];
  onChoice(c: WithoutKey): void;
  onConfirm(addresses: string[]): void;
}) {
  const names = props.keyless.join(', ');
  const all = props.keyless.map(normalizeAddress);
  const covered = all.every((a) => props.confirmed.includes(a));
  return (
    <fieldset class="send-choice notice warning" data-testid="without-key">
      <legend>{t('outboxNoKeyHeading', names)}</legend>
      {(['omit', 'seal'] as const).map((c) => (
        <label key={c}>
          <input
            type="radio"
            name="without-key"
            data-testid={`without-key-${c}`}
            checked={props.choice === c}
            onChange={() => props.onChoice(c)}
          />{' '}
          {t(c === 'omit' ? 'outboxNoKeyOmit' : 'outboxNoKeySeal')}
        </label>
      ))}
      {props.choice === 'seal' && (
        <div data-testid="unencrypted-warning">
          <p>{t('outboxUnencryptedWarning', names)}</p>
          <label>
            <input
              type="checkbox"
              data-testid="confirm-unencrypted"
              checked={covered}
              onChange={(e) => props.onConfirm((e.currentTarget as HTMLInputElement).checked ? all : [])}
            />{' '}
            {t('outboxUnencryptedConfirm', names)}
          </label>
        </div>
      )}
    </fieldset>
  );
}
