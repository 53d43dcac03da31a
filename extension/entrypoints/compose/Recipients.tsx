// The recipient list: each address with its key status, removable; new addresses can be added.
import { useState } from 'preact/hooks';
import { isAddress, normalizeAddress } from '../../../shared/address.ts';
import type { KeyStatus } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';

export interface Recipient {
  field: 'to' | 'cc' | 'bcc';
  address: string;
}

const LABEL: Record<KeyStatus['kind'], string> = {
  native: 'keyNative',
  pgp: 'keyPgp',
  none: 'keyNone',
  refused: 'keyRefused',
};

function statusText(s: KeyStatus | undefined): string {
  if (!s) return t('keyChecking');
  if (s.kind === 'pgp') return t('keyPgpFrom', s.source);
  // A verified envelope identity carries the mark; a new one says it is pinned with this message.
  if (s.kind === 'native' && s.envelope.pin === 'verified') return `${t(LABEL.native)} ✔`;
  if (s.kind === 'native' && s.envelope.pin === 'new') return `${t(LABEL.native)} · ${t('keyFirstUse')}`;
  return t(LABEL[s.kind]);
}

/** The envelope pin state shown on the item: new, first_seen, pinned, verified or changed. */
function pinOf(s: KeyStatus | undefined): string {
  if (s?.kind === 'native') return s.envelope.pin;
  return s?.kind === 'pgp' && s.envelopeChanged ? 'changed' : 'none';
}

export function Recipients(props: {
  list: Recipient[];
  statuses: Map<string, KeyStatus>;
  onRemove(r: Recipient): void;
  onAdd(address: string): void;
}) {
  const [draft, setDraft] = useState('');
  return (
    <div>
      <ul class="recipients" data-testid="recipients" aria-label={t('recipientsLabel')}>
        {props.list.map((r) => {
          const s = props.statuses.get(normalizeAddress(r.address));
          return (
            <li
              key={`${r.field}:${r.address}`}
              data-address={r.address}
              data-key={s?.kind ?? 'pending'}
              data-pin={pinOf(s)}
            >
              <span class="muted">{t(`recipientField_${r.field}`)}</span>
              <span>{r.address}</span>
              <span class={`key ${s?.kind ?? ''}`} data-testid="key-status">
                {statusText(s)}
              </span>
              <button
                type="button"
                data-testid="remove-recipient"
                aria-label={t('recipientRemoveLabel', r.address)}
                onClick={() => props.onRemove(r)}
              >
                {t('recipientRemove')}
              </button>
            </li>
          );
        })}
      </ul>
      <div class="row" style={{ marginTop: '4px' }}>
        <input
          type="email"
          data-testid="add-recipient"
          aria-label={t('recipientAddLabel')}
          placeholder={t('recipientAddPlaceholder')}
          value={draft}
          onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && isAddress(draft.trim())) {
              e.preventDefault();
              props.onAdd(draft.trim());
              setDraft('');
            }
          }}
          style={{ flex: 1 }}
        />
      </div>
    </div>
  );
}
