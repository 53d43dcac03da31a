// The `noise` command line: `npm run cli -- <command>` or the package bin `noise`.
// Reads stdin, writes stdout; one line on stderr and a meaningful exit code on failure
// (cli/exit-codes.ts). Passphrases come from --passphrase-file or NOISE_PASSPHRASE only.

import { pathToFileURL } from 'node:url';
import { list, type Options, parseOptions, str } from './args.ts';
import { login, logout, sessions } from './commands/account.ts';
import { decrypt } from './commands/decrypt.ts';
import { encrypt } from './commands/encrypt.ts';
import { keygen } from './commands/keygen.ts';
import { LOG_HELP, log } from './commands/log.ts';
import { lookup } from './commands/lookup.ts';
import { sign, verify } from './commands/sign.ts';
import { describeFailure, EXIT, UsageError } from './exit-codes.ts';

const HELP = `noise: end-to-end encrypted mail from the command line

  noise keygen  --format pgp|envelope --email ADDR [--name NAME] [--type ecc|rsa3072]
                [--expires DAYS] [--kdf default|min|weak] [--out PREFIX]
  noise encrypt [--format pgp|envelope] --to KEYFILE|ADDR ... [--sign-with KEYFILE]
                [--directory URL] [--binary] [--in FILE]
  noise decrypt (or open) [--key KEYFILE ...] [--verify-with PUBFILE ...] [--from ADDR]
                [--verdict-out FILE] [--in FILE]    armored text, binary, a whole .eml or mbox
  noise sign    --key KEYFILE [--detached [--binary]] [--in FILE]
  noise verify  --with PUBFILE ... [--signature FILE] [--from ADDR] [--in FILE]   (also .eml)
  noise lookup  ADDR|FINGERPRINT --directory URL [--armor]
  noise login   ADDR --directory URL [--session FILE]    keeps the session in FILE (0600)
  noise sessions [--session FILE]   noise logout [--session FILE]
${LOG_HELP}
Passphrase: --passphrase-file FILE or the NOISE_PASSPHRASE variable (never an argument).
Directory: --directory URL or NOISE_DIRECTORY. Session file: --session, NOISE_SESSION or
~/.config/noise/session.json; commands refresh it and log in again only through noise login. --kdf weak is for tests: NOISE_ALLOW_WEAK_KDF=1.
Exit codes: 0 ok, 1 usage, 2 malformed, 3 not for me, 4 tampered, 5 bad passphrase,
6 not found, 7 key unusable, 8 bad signature, 9 directory, 10 unsupported, 11 duplicate,
12 too large (docs/limits.md), 13 signed but not by the sender, 70 internal.
`;

const COMMON: Options = {
  in: { type: 'string' },
  'passphrase-file': { type: 'string' },
  directory: { type: 'string' },
};

function parse(args: string[], options: Options, positionals = false) {
  return parseOptions(args, { ...COMMON, ...options }, positionals);
}

export async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'keygen': {
      const { values: v } = parse(rest, {
        format: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        type: { type: 'string' },
        expires: { type: 'string' },
        out: { type: 'string' },
        kdf: { type: 'string' },
      });
      return keygen({
        format: str(v.format) ?? 'pgp',
        email: str(v.email),
        name: str(v.name),
        type: str(v.type),
        expires: str(v.expires),
        out: str(v.out),
        passphraseFile: str(v['passphrase-file']),
        kdf: str(v.kdf),
      });
    }
    case 'encrypt': {
      const { values: v } = parse(rest, {
        format: { type: 'string' },
        to: { type: 'string', multiple: true },
        'sign-with': { type: 'string' },
        binary: { type: 'boolean' },
      });
      return encrypt({
        format: str(v.format),
        to: list(v.to),
        signWith: str(v['sign-with']),
        binary: v.binary === true,
        in: str(v.in),
        directory: str(v.directory),
        passphraseFile: str(v['passphrase-file']),
      });
    }
    case 'decrypt':
    case 'open': {
      const { values: v } = parse(rest, {
        key: { type: 'string', multiple: true },
        'verify-with': { type: 'string', multiple: true },
        from: { type: 'string' },
        'verdict-out': { type: 'string' },
      });
      return decrypt({
        key: list(v.key),
        verifyWith: list(v['verify-with']),
        from: str(v.from),
        in: str(v.in),
        verdictOut: str(v['verdict-out']),
        passphraseFile: str(v['passphrase-file']),
      });
    }
    case 'sign': {
      const { values: v } = parse(rest, {
        key: { type: 'string' },
        detached: { type: 'boolean' },
        binary: { type: 'boolean' },
      });
      return sign({
        key: str(v.key),
        detached: v.detached === true,
        binary: v.binary === true,
        in: str(v.in),
        passphraseFile: str(v['passphrase-file']),
      });
    }
    case 'verify': {
      const { values: v } = parse(rest, {
        with: { type: 'string', multiple: true },
        signature: { type: 'string' },
        from: { type: 'string' },
      });
      return verify({ with: list(v.with), signature: str(v.signature), from: str(v.from), in: str(v.in) });
    }
    case 'lookup': {
      const { values: v, positionals } = parse(rest, { armor: { type: 'boolean' } }, true);
      if (positionals.length > 1) throw new UsageError('lookup takes one ADDRESS or FINGERPRINT');
      return lookup({ query: positionals[0], directory: str(v.directory), armor: v.armor === true });
    }
    case 'log':
      return log(rest);
    case 'login': {
      const { values: v, positionals } = parse(rest, { session: { type: 'string' } }, true);
      return login({
        address: positionals[0],
        directory: str(v.directory),
        session: str(v.session),
        passphraseFile: str(v['passphrase-file']),
      });
    }
    case 'sessions':
    case 'logout': {
      const { values: v } = parse(rest, { session: { type: 'string' } });
      return (command === 'logout' ? logout : sessions)({ session: str(v.session) });
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    case undefined:
      process.stderr.write(HELP);
      process.exitCode = EXIT.usage;
      return;
    default:
      throw new UsageError(`unknown command "${command}" (try: noise help)`);
  }
}

/** Runs a command and exits the process with its code; the only place that prints failures. */
export function main(argv: string[]): void {
  run(argv).then(
    () => {
      // openpgp.js keeps no handles open, but exiting now spares waiting on stray timers.
      process.exit(process.exitCode ?? EXIT.ok);
    },
    (e: unknown) => {
      const { code, line } = describeFailure(e);
      process.stderr.write(`noise: ${line}\n`);
      process.exit(code);
    },
  );
}

// Run as the entry point (`tsx cli/main.ts`); cli/bin.mjs imports this module and calls main().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
