// `npm run bench`: runs every benchmark section and prints its table. Never part of `npm test`.
//
// Section interface: a file bench/sections/NAME.ts whose default export is
//   export default async function run(): Promise<string>
// that does its own setup and teardown and returns the text to print (a table and a few lines
// saying what was compared and how). Sections run one after another, in file-name order, so
// they do not compete for the CPU. `npm run bench -- NAME ...` runs only the named sections.
// A failing section is reported and the others still run; the exit code is then 1.

import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const SECTIONS = new URL('./sections/', import.meta.url);

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = (await readdir(SECTIONS)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const chosen = wanted.length === 0 ? files : files.filter((f) => wanted.includes(f.replace(/\.ts$/, '')));
  if (chosen.length === 0) {
    process.stderr.write(`bench: no section named ${wanted.join(', ')} (have: ${files.join(', ')})\n`);
    process.exit(1);
  }
  let failed = false;
  for (const file of chosen) {
    const name = file.replace(/\.ts$/, '');
    process.stdout.write(`\n== ${name} ==\n`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(new URL(file, SECTIONS).pathname).href)) as {
        default?: () => Promise<string>;
      };
      if (typeof mod.default !== 'function') throw new Error('no default export run(): Promise<string>');
      process.stdout.write(`${(await mod.default()).trimEnd()}\n`);
    } catch (e) {
      failed = true;
      process.stdout.write(`section failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.stdout.write(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.exit(failed ? 1 : 0);
}

await main();
