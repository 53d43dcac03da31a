// Regenerates shared/kdf/vectors/derivation.json. Run: npx tsx shared/kdf/test/generate-vectors.ts

import { writeFileSync } from 'node:fs';
import { buildDerivationVectors } from './derivation-vectors.ts';

writeFileSync(
  new URL('../vectors/derivation.json', import.meta.url),
  `${JSON.stringify(buildDerivationVectors(), null, 2)}\n`,
);
