// Contacts: add by lookup or armored import, remove, mark verified by comparing fingerprints
// (the OpenPGP key's or the pinned envelope identity's). A key or identity different from the
// pinned one is shown as a warning and only replaces it when the user accepts it.

import { useEffect, useState } from 'preact/hooks';
import { isAddress } from '../../../shared/address.ts';
import { call } from '../../messages/client.ts';
import type { ContactView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorText, Field, TextArea } from '../../ui/controls.tsx';
import { Fingerprint } from '../../ui/Fingerprint.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { HelpLink } from '../../ui/HelpLink.tsx';

const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : t('never'));

function ContactRow(props: { contact: ContactView; onChange: () => void; onError: (m: string) => void }) {
  const c = props.contact;
  const [checking, setChecking] = useState(false);
  const [typed, setTyped] = useState('');
  const act = (p: Promise<unknown>) =>
    p.then(props.onChange).catch((e: unknown) => props.onError(errorText(e)));
  return (
    <li data-testid="contact" data-address={c.address}>
      <strong>{c.address}</strong> {c.verified && <span data-testid="verified">✔ {t('verified')}</span>}
      <Fingerprint label={t('contactFingerprint')} value={c.fingerprint} testId="contact-fingerprint" />
      <p class="hint">
        {t('contactMeta', [t(`source_${c.source.replace(/\W/g, '_')}`), when(c.firstSeen), when(c.lastUsed)])}
      </p>
      {c.envelope && (
        <div data-testid="envelope-identity">
          <Fingerprint
            label={t('contactEnvelopeIdentity', when(c.envelope.firstSeen))}
            value={c.envelope.fingerprint}
            testId="envelope-fingerprint"
          />
          {c.envelope.verified && <span data-testid="envelope-verified">✔ {t('verified')}</span>}
        </div>
      )}
      {c.envelope?.pendingChange && (
        <div class="notice warning" role="alert" data-testid="identity-change-warning">
          <p>{t('identityChangeWarning', c.address)}</p>
          <Fingerprint
            label={t('keyChangeNew')}
            value={c.envelope.pendingChange.fingerprint}
            testId="pending-envelope-fingerprint"
          />
          <p class="choices">
            <button
              type="button"
              class="danger"
              onClick={() => act(call('contacts.acceptChange', { address: c.address }))}
            >
              {t('acceptNewIdentity')}
            </button>
            <HelpLink topic="key-changed" />
          </p>
        </div>
      )}
      {c.pendingChange && (
        <div class="notice warning" role="alert" data-testid="key-change-warning">
          <p>{t('keyChangeWarning', c.address)}</p>
          <Fingerprint
            label={t('keyChangeNew')}
            value={c.pendingChange.fingerprint}
            testId="pending-fingerprint"
          />
          <p class="choices">
            <button
              type="button"
              class="danger"
              onClick={() => act(call('contacts.acceptChange', { address: c.address }))}
            >
              {t('acceptNewKey')}
            </button>
            <HelpLink topic="key-changed" />
          </p>
          {c.pendingChange.loggedAt !== null && (
            <p data-testid="key-change-logged">
              {t('keyChangeLogged', new Date(c.pendingChange.loggedAt).toLocaleString())}
            </p>
          )}
        </div>
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
          <ConfirmButton
            label={t('remove')}
            confirmLabel={t('removeConfirm')}
            warning={t('removeWarning', c.address)}
            ariaLabel={t('removeLabel', c.address)}
            onConfirm={() => act(call('contacts.remove', { address: c.address }))}
          />
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
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section id="contacts" aria-labelledby="contacts-h" data-testid="contacts">
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
