// Typed client of the transparency log routes (docs/spec/transparency-v1.md §7.1), for the CLI,
// the extension and tests. JSON answers are validated against ./transparency.ts; text answers
// (checkpoint, keys) are returned as text for shared/transparency to verify. Failures become
// ApiClientError with the server's stable code.

import type { z } from 'zod';
import { fromBase64Url } from '../encoding.ts';
import { type NoteVerifier, openVrfKeyNote } from '../transparency/index.ts';
import { ApiClientError, ErrorBody } from './errors.ts';
import {
  ConsistencyProofResponse,
  InclusionProofResponse,
  LabelResponse,
  LeavesResponse,
} from './transparency.ts';

export interface LogClientOptions {
  /** Worker origin, e.g. "https://keys.noise.email". */
  baseUrl: string;
  fetch?: typeof fetch;
}

export type LogClient = ReturnType<typeof logClient>;

export function logClient(options: LogClientOptions) {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1/log`;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function get(path: string): Promise<Response> {
    const res = await doFetch(`${base}${path}`, { method: 'GET' });
    if (res.ok) return res;
    const parsed = ErrorBody.safeParse(await res.json().catch(() => null));
    if (parsed.success)
      throw new ApiClientError(res.status, parsed.data.error.code, parsed.data.error.message);
    throw new ApiClientError(res.status, 'unexpected_response', `Unexpected ${res.status} response.`);
  }

  const text = async (path: string) => (await get(path)).text();

  async function json<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
    const res = await get(path);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
    return parsed.data;
  }

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
