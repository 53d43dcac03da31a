// Where an account lives: the server URL and the account's address, as both onboarding paths
// (create, restore) ask for them. Same names and autocomplete hints, so password managers and
// the e2e selectors see one form shape.

import { t } from '../platform/browser.ts';
import { Field } from './controls.tsx';

export function AccountFields(props: {
  serverUrl: string;
  onServerUrl: (value: string) => void;
  address: string;
  onAddress: (value: string) => void;
  /** Shown under the address when creating (what the address is for). */
  addressHint?: string;
}) {
  return (
    <>
      <Field
        label={t('serverLabel')}
        hint={t('serverHint')}
        name="server"
        type="url"
        value={props.serverUrl}
        onInput={props.onServerUrl}
      />
      <Field
        label={t('addressLabel')}
        hint={props.addressHint}
        name="address"
        type="email"
        autoComplete="email"
        value={props.address}
        onInput={props.onAddress}
        required
      />
    </>
  );
}
