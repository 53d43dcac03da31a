// The help page: what the security mark is, what each verdict of the read frame means
// (docs/verdicts.md is the source), what to do when locked, when a message is not for your key
// or a contact's key changed, and what the server can see (docs/threat-model.md). Every frame's
// verdict, the popup and the options page link to its topics (ui/HelpLink.tsx).

import { t } from '../../platform/browser.ts';
import { Icon } from '../../ui/Icon.tsx';

interface Topic {
  id: string;
  heading: string;
  paragraphs: string[];
  /** Terms and what they mean (the verdict badges). */
  terms?: [string, string][];
}

/** In page order; each id is a HelpTopic the other pages link to. */
export const HELP_TOPICS: readonly Topic[] = [
  { id: 'mark', heading: 'helpMarkHeading', paragraphs: ['helpMark1', 'helpMark2', 'helpMark3'] },
  {
    id: 'verdicts',
    heading: 'helpVerdictsHeading',
    paragraphs: ['helpVerdicts1'],
    terms: [
      ['helpTermEncrypted', 'helpTermEncryptedText'],
      ['helpTermSignedBySender', 'helpTermSignedBySenderText'],
      ['helpTermNotEncrypted', 'helpTermNotEncryptedText'],
      ['helpTermUnsigned', 'helpTermUnsignedText'],
      ['helpTermClaims', 'helpTermClaimsText'],
      ['helpTermMismatch', 'helpTermMismatchText'],
      ['helpTermBadSignature', 'helpTermBadSignatureText'],
      ['helpTermUnknownKey', 'helpTermUnknownKeyText'],
      ['helpTermParts', 'helpTermPartsText'],
      ['helpTermWarnings', 'helpTermWarningsText'],
      ['helpTermFailure', 'helpTermFailureText'],
    ],
  },
  { id: 'locked', heading: 'helpLockedHeading', paragraphs: ['helpLocked1', 'helpLocked2'] },
  { id: 'not-for-me', heading: 'helpNotForMeHeading', paragraphs: ['helpNotForMe1', 'helpNotForMe2'] },
  { id: 'key-changed', heading: 'helpKeyChangedHeading', paragraphs: ['helpKeyChanged1', 'helpKeyChanged2'] },
  { id: 'server', heading: 'helpServerHeading', paragraphs: ['helpServer1', 'helpServer2', 'helpServer3'] },
];

export function App() {
  return (
    <main data-testid="help">
      <h1>
        <Icon name="lock" />
        {t('helpHeading')}
      </h1>
      <nav aria-label={t('helpNav')}>
        <ul class="nav">
          {HELP_TOPICS.map((topic) => (
            <li key={topic.id}>
              <a href={`#${topic.id}`}>{t(topic.heading)}</a>
            </li>
          ))}
        </ul>
      </nav>
      {HELP_TOPICS.map((topic) => (
        <section key={topic.id} id={topic.id} aria-labelledby={`${topic.id}-h`}>
          <h2 id={`${topic.id}-h`}>{t(topic.heading)}</h2>
          {topic.paragraphs.map((p) => (
            <p key={p}>{t(p)}</p>
          ))}
          {topic.terms && (
            <dl>
              {topic.terms.map(([term, text]) => (
                <div key={term}>
                  <dt>
                    <strong>{t(term)}</strong>
                  </dt>
                  <dd>{t(text)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      ))}
      <p class="hint">{t('helpPicturesCredit')}</p>
    </main>
  );
}
