// Random addresses of the grammar in shared/address.ts (dot-atom local parts, LDH and U-label
// domains, UTF-8 per RFC 6531) and display names full of RFC 5322 specials.

import fc from 'fast-check';

export const ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
export const atom = fc.string({
  unit: fc.constantFrom(...ATEXT, 'é', 'ü', 'Ä', '用', 'ж'),
  minLength: 1,
  maxLength: 10,
});
export const localPart = fc.array(atom, { minLength: 1, maxLength: 3 }).map((a) => a.join('.'));
export const label = fc
  .tuple(
    fc.constantFrom(...'abcxyzABCXYZ019', 'ü', 'ö', 'É', '例'),
    fc.string({ unit: fc.constantFrom(...'abcxyz019-', 'ü'), maxLength: 8 }),
    fc.constantFrom(...'abcXYZ09', 'ß'),
  )
  .map(([a, b, c]) => a + b + c);
export const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
export const dottedDomain = fc.array(label, { minLength: 2, maxLength: 3 }).map((l) => l.join('.'));
export const address = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
export const displayName = fc.string({ unit: fc.constantFrom(...'Ab z.,;:<>@()"\\', 'ö'), maxLength: 16 });
export const quoted = (name: string) => `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
