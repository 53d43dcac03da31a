// Regenerates shared/envelope/vectors/*.json. Run: npx tsx shared/envelope/test/generate-vectors.ts
// Only after a deliberate format change (which also bumps the version, spec §10).

import { writeFileSync } from 'node:fs';
import { buildVectors } from './vectors-build.ts';

const dir = new URL('../vectors/', import.meta.url);
for (const [name, vector] of Object.entries(await buildVectors())) {
  writeFileSync(new URL(name, dir), `${JSON.stringify(vector, null, 2)}\n`);
  console.log('wrote', name);
}
