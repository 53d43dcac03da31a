// Contacts: add by lookup or armored import, remove, mark verified by comparing fingerprints
// (the OpenPGP key's or the pinned envelope identity's). A key or identity different from the
// pinned one is shown as a warning and only replaces it when the user accepts it.

import { useEffect, useState } from 'preact/hooks';
import { isAddress } from '../../../shared/address.ts';
import { call } from '../../messages/client.ts';
import type { ContactView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field, Notice, TextArea } from '../../ui/controls.tsx';

const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : t('never'));
const grouped = (fingerprint: string) => fingerprint.replace(/(.{4})/g, '$1 ').trim();

function ContactRow(props: { contact: ContactView; onChange: () => void; onError: (m: string) => void }) {
  const c = props.contact;
  const [checking, setChecking] = useState(false);
  const [typed, setTyped] = useState('');
  const act = (p: Promise<unknown>) =>
    p.then(props.onChange).catch((e: unknown) => props.onError(e instanceof Error ? e.message : String(e)));
  return (
    <li data-testid="contact" data-address={c.address}>
      <strong>{c.address}</strong> {c.verified && <span data-testid="verified">✔ {t('verified')}</span>}
      <div class="fingerprint">
        <code>{c.fingerprint.replace(/(.{4})/g, '$1 ').trim()}</code>
      </div>
      <p class="hint">
        {t('contactMeta', [t(`source_${c.source.replace(/\W/g, '_')}`), when(c.firstSeen), when(c.lastUsed)])}
      </p>
      {c.envelope && (
        <div class="fingerprint" data-testid="envelope-identity">
          <span class="muted">{t('contactEnvelopeIdentity', when(c.envelope.firstSeen))}</span>{' '}
          <code>{grouped(c.envelope.fingerprint)}</code>
          {c.envelope.verified && <span data-testid="envelope-verified"> ✔ {t('verified')}</span>}
        </div>
      )}
      {c.envelope?.pendingChange && (
        <Notice tone="warning">
          <p data-testid="identity-change-warning">
            {t('identityChangeWarning', [c.address, grouped(c.envelope.pendingChange.fingerprint)])}
          </p>
          <button
            type="button"
            class="danger"
            onClick={() => act(call('contacts.acceptChange', { address: c.address }))}
          >
            {t('acceptNewIdentity')}
          </button>
        </Notice>
      )}
      {c.pendingChange && (
        <Notice tone="warning">
          <p data-testid="key-change-warning">
            {t('keyChangeWarning', [c.address, c.pendingChange.fingerprint.replace(/(.{4})/g, '$1 ').trim()])}
          </p>
          <button
            type="button"
            class="danger"
            onClick={() => act(call('contacts.acceptChange', { address: c.address }))}
          >
            {t('acceptNewKey')}
          </button>
        </Notice>
      )}
      {checking ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            act(call('contacts.verify', { address: c.address, fingerprint: typed })).then(() =>
              setChecking(false),
            );
          }}
        >
          <Field
            label={t('verifyLabel', c.address)}
            name="verify-fingerprint"
            value={typed}
            onInput={setTyped}
          />
          <button type="submit">{t('verifySubmit')}</button>
        </form>
      ) : (
        <div class="choices">
          {(!c.verified || (c.envelope && !c.envelope.verified)) && (
            <button type="button" class="secondary" onClick={() => setChecking(true)}>
              {t('verify')}
            </button>
          )}
          <button
            type="button"
            class="secondary"
            onClick={() => act(call('contacts.remove', { address: c.address }))}
          >
            {t('remove')}
          </button>
        </div>
      )}
    </li>
  );
}

export function ContactsSection() {
  const [contacts, setContacts] = useState<ContactView[]>([]);
  const [address, setAddress] = useState('');
  const [armored, setArmored] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => call('contacts.list', {}).then(setContacts);
  useEffect(() => {
    load();
  }, []);

  async function run(p: Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      await p;
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="contacts-h" data-testid="contacts">
      <h2 id="contacts-h">{t('contactsHeading')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(call('contacts.lookup', { address: address.trim() }));
        }}
      >
        <Field
          label={t('lookupLabel')}
          name="lookup-address"
          type="email"
          value={address}
          onInput={setAddress}
        />
        <button type="submit" disabled={busy || !isAddress(address.trim())} data-testid="lookup-submit">
          {t('lookup')}
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(call('contacts.import', { armoredKey: armored }).then(() => setArmored('')));
        }}
      >
        <TextArea
          label={t('contactImportLabel')}
          name="contact-key"
          rows={4}
          value={armored}
          onInput={setArmored}
        />
        <button type="submit" class="secondary" disabled={busy || !armored}>
          {t('contactImport')}
        </button>
      </form>
      <ErrorText message={error} />
      {contacts.length === 0 ? (
        <p class="hint">{t('noContacts')}</p>
      ) : (
        <ul class="contacts">
          {contacts.map((c) => (
            <ContactRow key={c.address} contact={c} onChange={load} onError={setError} />
          ))}
        </ul>
      )}
    </section>
  );
}
