// `noise log …`: the transparency log from the command line (docs/spec/transparency-v1.md §9):
// verify (audit the whole log), watch (self-monitoring of one address), witness (a tlog-witness
// server), keygen (log or witness keys).

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import {
  ed25519NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
} from '../../shared/transparency/index.ts';
import { list, type Options, parseOptions, str } from '../args.ts';
import { UsageError } from '../exit-codes.ts';
import { writeStdout } from '../io.ts';
import { directoryUrl } from '../recipients.ts';
import { logVerify } from './log-verify.ts';
import { logWatch } from './log-watch.ts';
import { logWitness } from './log-witness.ts';

export const LOG_HELP = `  noise log verify  --directory URL [--key VKEY] [--witness VKEY ...] [--state FILE]
  noise log watch   ADDR --directory URL [--fingerprint FPR ...] [--identity FPR ...]
                    [--key VKEY] [--state FILE] [--once] [--interval SECONDS]
  noise log witness --log-key VKEY ... --key FILE --state FILE [--port N] [--host H]
  noise log keygen  --name NAME [--cosigner] --out FILE     (prints the verifier key)
`;

const COMMON: Options = { directory: { type: 'string' } };
const parse = (args: string[], options: Options) => parseOptions(args, { ...COMMON, ...options }, true);

function needDirectory(v: unknown): string {
  const url = directoryUrl(str(v));
  if (!url) throw new UsageError('needs --directory URL (or NOISE_DIRECTORY)');
  return url;
}

function positiveInt(v: unknown, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${what} must be a non-negative integer`);
  return n;
}

export async function log(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  switch (mode) {
    case 'verify': {
      const { values: v } = parse(rest, {
        key: { type: 'string' },
        witness: { type: 'string', multiple: true },
        state: { type: 'string' },
        parallel: { type: 'string' },
      });
      return logVerify({
        directory: needDirectory(v.directory),
        key: str(v.key),
        witnesses: list(v.witness),
        state: str(v.state),
        parallel: Math.max(1, positiveInt(v.parallel, 4, '--parallel')),
      });
    }
    case 'watch': {
      const { values: v, positionals } = parse(rest, {
        key: { type: 'string' },
        fingerprint: { type: 'string', multiple: true },
        identity: { type: 'string', multiple: true },
        state: { type: 'string' },
        once: { type: 'boolean' },
        interval: { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('log watch takes one ADDRESS');
      return logWatch({
        address: positionals[0]!,
        directory: needDirectory(v.directory),
        key: str(v.key),
        fingerprints: list(v.fingerprint),
        identities: list(v.identity),
        state: str(v.state),
        once: v.once === true,
        intervalSeconds: Math.max(1, positiveInt(v.interval, 300, '--interval')),
      });
    }
    case 'witness': {
      const { values: v } = parse(rest, {
        'log-key': { type: 'string', multiple: true },
        key: { type: 'string' },
        state: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
      });
      const keyFile = str(v.key);
      const state = str(v.state);
      if (list(v['log-key']).length === 0 || !keyFile || !state)
        throw new UsageError('log witness needs --log-key VKEY, --key FILE and --state FILE');
      return logWitness({
        logKeys: list(v['log-key']),
        keyFile,
        state,
        host: str(v.host) ?? '127.0.0.1',
        port: positiveInt(v.port, 0, '--port'),
      });
    }
    case 'keygen': {
      const { values: v } = parse(rest, {
        name: { type: 'string' },
        cosigner: { type: 'boolean' },
        out: { type: 'string' },
      });
      const name = str(v.name);
      const out = str(v.out);
      if (!name || !out) throw new UsageError('log keygen needs --name NAME and --out FILE');
      const seed = new Uint8Array(randomBytes(32));
      const signer = ed25519NoteSigner(name, seed);
      await writeFile(out, `${formatSignerKey(name, seed)}\n`, { mode: 0o600, flag: 'wx' });
      const type = v.cosigner === true ? SIG_COSIGNATURE_V1 : SIG_ED25519;
      await writeStdout(`${formatVerifierKey(name, type, signer.publicKey)}\n`);
      return;
    }
    default:
      throw new UsageError(`log needs verify, watch, witness or keygen\n${LOG_HELP}`);
  }
}
