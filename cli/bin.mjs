#!/usr/bin/env node
// The package bin "noise": loads the TypeScript CLI through tsx's module hooks and runs it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
main(process.argv.slice(2));
