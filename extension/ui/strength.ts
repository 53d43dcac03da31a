// Passphrase strength from zxcvbn-ts (a kept estimator, not a hand-made rule), with the
// common and English dictionaries. Loaded lazily: the dictionaries are large. Its sentences
// (warnings, suggestions, crack times) come from our _locales (`zxcvbn_<group>_<name>`), so they
// are in the user's language; zxcvbn's English ones are the shape they follow.

import type { ZxcvbnResult } from '@zxcvbn-ts/core';
import { t } from '../platform/browser.ts';

type Translations = Record<'warnings' | 'suggestions' | 'timeEstimation', Record<string, string>>;

/** zxcvbn's translation table with every sentence taken from _locales by the same name. */
export function localTranslations(english: Translations, message: (key: string) => string = t): Translations {
  const group = (name: keyof Translations) =>
    Object.fromEntries(Object.keys(english[name]).map((k) => [k, message(`zxcvbn_${name}_${k}`)]));
  return {
    warnings: group('warnings'),
    suggestions: group('suggestions'),
    timeEstimation: group('timeEstimation'),
  };
}

export interface Strength {
  /** 0 (guessable in seconds) … 4 (very unguessable). */
  score: 0 | 1 | 2 | 3 | 4;
  warning: string;
  suggestions: string[];
  /** Offline attack against a slow hash, as zxcvbn words it ("centuries"). */
  crackTime: string;
}

/** Account creation requires at least this score. */
export const MIN_SCORE = 3;

let factory: Promise<{ check(pw: string, inputs?: string[]): ZxcvbnResult }> | null = null;

function load() {
  factory ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        translations: localTranslations(en.translations) as typeof en.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...en.dictionary },
      }),
  );
  return factory;
}

/** Starts loading the dictionaries early (the form calls this when it opens). */
export function preloadStrength(): void {
  load().catch(() => {});
}

export async function measure(passphrase: string, userInputs: string[] = []): Promise<Strength> {
  const z = await load();
  const r = z.check(passphrase, userInputs);
  return {
    score: r.score,
    warning: r.feedback.warning ?? '',
    suggestions: r.feedback.suggestions,
    crackTime: String(r.crackTimes.offlineSlowHashingXPerSecond.display ?? ''),
  };
}
