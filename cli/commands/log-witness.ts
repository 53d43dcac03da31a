// `noise log witness`: a small C2SP tlog-witness (docs/spec/transparency-v1.md §6.3) for the
// logs given with --log-key. POST /add-checkpoint runs shared/transparency's decision under one
// lock and persists the new state (atomic rename) before answering; GET /<origin hash>/checkpoint
// serves the latest cosigned checkpoint (the monitoring endpoint). Listens on 127.0.0.1 unless
// --host says otherwise.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  addCheckpoint,
  cosigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  type NoteVerifier,
  originHash,
  parseSignerKeySeed,
  SIG_COSIGNATURE_V1,
  type WitnessState,
} from '../../shared/transparency/index.ts';
import { readText, writeStdout } from '../io.ts';
import { readState, writeState } from '../state-file.ts';

interface LogWitnessArgs {
  logKeys: string[];
  keyFile: string;
  state: string;
  host: string;
  port: number;
}

/** tlog-witness request bodies are a checkpoint and at most 63 hashes. */
const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function logWitness(a: LogWitnessArgs): Promise<void> {
  // The key file holds a Go sumdb/note signer key; its seed signs cosignatures (type 0x04).
  const { name, seed } = parseSignerKeySeed(await readText(a.keyFile, 'witness key'));
  const witness = cosigner(name, seed);
  const logs = new Map<string, NoteVerifier>(
    a.logKeys.map((k) => [ed25519NoteVerifier(k).name, ed25519NoteVerifier(k)]),
  );
  let state = await readState<WitnessState>(a.state, {});
  let queue: Promise<unknown> = Promise.resolve();

  const server = createServer((req, res) => {
    const work = async () => {
      const url = new URL(req.url ?? '/', 'http://witness');
      if (req.method === 'POST' && url.pathname === '/add-checkpoint') {
        const body = await readBody(req);
        if (body === null) return send(res, 413, 'request too large\n');
        // One request at a time: the check against the stored size and its update are atomic.
        const answer = addCheckpoint(state, body, logs, witness, Date.now());
        if (answer.status === 200) {
          const next = { ...state, [answer.origin]: answer.record };
          await writeState(a.state, next);
          state = next;
          return send(res, 200, answer.body);
        }
        return send(res, answer.status, answer.body, answer.contentType);
      }
      const monitored = /^\/([0-9a-f]{64})\/checkpoint$/.exec(url.pathname);
      if (req.method === 'GET' && monitored) {
        const record = Object.entries(state).find(([origin]) => originHash(origin) === monitored[1]);
        return record ? send(res, 200, record[1].checkpoint) : send(res, 404, 'never cosigned\n');
      }
      send(res, 404, 'not found\n');
    };
    queue = queue.then(work).catch(() => send(res, 500, 'internal error\n'));
  });
  await new Promise<void>((resolve) => server.listen(a.port, a.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : a.port;
  await writeStdout(
    `witness ${formatVerifierKey(witness.name, SIG_COSIGNATURE_V1, witness.publicKey)} listening on http://${a.host}:${port}\n`,
  );
  await new Promise(() => {}); // serve until killed
}
