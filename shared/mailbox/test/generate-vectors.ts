// Regenerates shared/mailbox/vectors/*.json. Run: npx tsx shared/mailbox/test/generate-vectors.ts
// Only after a deliberate format change (which also bumps the version, docs/spec/mailbox-v1.md §7).

import { writeFileSync } from 'node:fs';
import { buildVectors } from './vectors-build.ts';

const dir = new URL('../vectors/', import.meta.url);
for (const [name, vector] of Object.entries(await buildVectors())) {
  writeFileSync(new URL(name, dir), `${JSON.stringify(vector, null, 2)}\n`);
  console.log('wrote', name);
}
