// Regenerates shared/read-cache/vectors/*.json. Run: npx tsx shared/read-cache/test/generate-vectors.ts
// Only after a deliberate format change (a new version, docs/spec/read-cache-v1.md §6).

import { writeFileSync } from 'node:fs';
import { buildVectors } from './vectors-build.ts';

const dir = new URL('../vectors/', import.meta.url);
for (const [name, vector] of Object.entries(buildVectors())) {
  writeFileSync(new URL(name, dir), `${JSON.stringify(vector, null, 2)}\n`);
  console.log('wrote', name);
}
