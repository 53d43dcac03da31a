import { translations as english } from '@zxcvbn-ts/language-en';
import { describe, expect, it } from 'vitest';
import { localTranslations } from './strength.ts';

describe("zxcvbn's sentences from _locales", () => {
  it('asks for every sentence zxcvbn has, by group and name, and keeps its shape', () => {
    const asked: string[] = [];
    const table = localTranslations(english, (key) => {
      asked.push(key);
      return `<${key}>`;
    });
    expect(Object.keys(table.warnings)).toEqual(Object.keys(english.warnings));
    expect(table.timeEstimation.centuries).toBe('<zxcvbn_timeEstimation_centuries>');
    expect(asked).toContain('zxcvbn_suggestions_useWords');
    expect(asked).toHaveLength(
      Object.keys(english.warnings).length +
        Object.keys(english.suggestions).length +
        Object.keys(english.timeEstimation).length,
    );
  });
});
