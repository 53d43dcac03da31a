// Typed client of the transparency log routes (docs/spec/transparency-v1.md §7.1), for the CLI,
// the extension and tests. JSON answers are validated against ./transparency.ts; text answers
// (checkpoint, keys) are returned as text for shared/transparency to verify. Failures become
// ApiClientError with the server's stable code.

import { fromBase64Url } from '../encoding.ts';
import { MAX_LEAVES_PER_PAGE, type NoteVerifier, openVrfKeyNote } from '../transparency/index.ts';
import { ApiClientError } from './errors.ts';
import {
  ConsistencyProofResponse,
  InclusionProofResponse,
  LabelResponse,
  LeavesResponse,
} from './transparency.ts';
import { type ApiClientOptions, createTransport, type Transport } from './transport.ts';

const BASE = '/api/v1/log';

export type LogCalls = ReturnType<typeof logCalls>;

/** The log's calls alone, for an auditor that has no account (the CLI's `noise log`). */
export function logClient(options: Pick<ApiClientOptions, 'baseUrl' | 'fetch'>): LogCalls {
  return logCalls(createTransport(options));
}

export function logCalls({ call, request, fail }: Transport) {
  async function text(path: string): Promise<string> {
    const res = await request(`${BASE}${path}`, { method: 'GET', auth: false });
    if (!res.ok) return fail(res);
    return res.text();
  }
  const json = <S extends Parameters<typeof call>[0]>(schema: S, path: string) =>
    call(schema, `${BASE}${path}`, { method: 'GET', auth: false });

  const hashes = (list: string[]) => list.map(fromBase64Url);

  return {
    /** The log's verifier key as served (pin it; never trust it just because it was served). */
    key: async () => (await text('/key')).trim(),
    /** The VRF public key, from the note signed by `logKey`. */
    vrfKey: async (logKey: NoteVerifier) => openVrfKeyNote(await text('/vrf-key'), logKey),
    /** The latest checkpoint, with cosignatures, unverified. */
    checkpoint: () => text('/checkpoint'),
    async leaves(start: number, end: number): Promise<Uint8Array[]> {
      const body = await json(LeavesResponse, `/leaves?start=${start}&end=${end}`);
      if (body.start !== start || body.leaves.length !== end - start)
        throw new ApiClientError(200, 'invalid_response', 'The log answered another range.');
      return body.leaves.map(fromBase64Url);
    },
    async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
      return hashes(
        (await json(InclusionProofResponse, `/proof/inclusion?index=${index}&size=${size}`)).proof,
      );
    },
    async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
      return hashes((await json(ConsistencyProofResponse, `/proof/consistency?from=${from}&to=${to}`)).proof);
    },
    /** The VRF proof for an address (verify it with shared/transparency's verifyAddressProof). */
    async label(address: string): Promise<Uint8Array> {
      return fromBase64Url(
        (await json(LabelResponse, `/label?address=${encodeURIComponent(address)}`)).vrfProof,
      );
    },
  };
}

/** Leaves [from, to) in pages of the most the log serves, `parallel` pages at a time, in order. */
export async function* downloadLeaves(
  calls: Pick<LogCalls, 'leaves'>,
  from: number,
  to: number,
  parallel: number,
): AsyncGenerator<Uint8Array> {
  for (let start = from; start < to; ) {
    const pages: Promise<Uint8Array[]>[] = [];
    for (let i = 0; i < parallel && start < to; i++) {
      const end = Math.min(to, start + MAX_LEAVES_PER_PAGE);
      pages.push(calls.leaves(start, end));
      start = end;
    }
    for (const page of await Promise.all(pages)) yield* page;
  }
}
