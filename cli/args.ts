// Command-line option parsing shared by every `noise` command: node:util parseArgs in strict
// mode, its errors turned into UsageError (exit 1), and the two value readers.

import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.ts';

export type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

interface ParsedOptions {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseOptions(args: string[], options: Options, positionals = false): ParsedOptions {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
