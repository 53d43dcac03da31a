// A directory's transparency log in memory, answering over fetch like the Worker does
// (docs/spec/transparency-v1.md §7.1, §8): it logs what a test's lookups serve and hands out
// their proof bundles, so client tests exercise the real verification, not a stub. Tests that
// play a dishonest directory change what they serve without logging it, or fork `log`.

import type { ProofBundle } from '../../api/transparency.ts';
import { toBase64Url } from '../../encoding.ts';
import { openpgpFingerprintBytes, proveAddress } from '../address-label.ts';
import { buildProofBundle } from '../bundle.ts';
import { signVrfKeyNote } from '../vrf-key-note.ts';
import { MemoryLog } from './memory-log.ts';

interface Bound {
  openpgp: string;
  envelope: Uint8Array | null;
  keyIndex: number;
  envelopeIndex: number | null;
}

const same = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]));

export class TestLogServer {
  private readonly bound = new Map<string, Bound>();

  constructor(readonly log: MemoryLog = new MemoryLog()) {}

  /** Logs `served` for `address` if it is not what the log binds already; returns the bundle. */
  prove(address: string, served: { openpgp: string; envelope?: Uint8Array | null }): ProofBundle {
    const addr = address.toLowerCase();
    const envelope = served.envelope ?? null;
    const before = this.bound.get(addr);
    let keyIndex = before?.keyIndex;
    let envelopeIndex = before?.envelopeIndex ?? null;
    if (!before || before.openpgp !== served.openpgp)
      keyIndex = this.log.append({
        event: 'key_published',
        address: addr,
        fingerprint: openpgpFingerprintBytes(served.openpgp),
        previous: before ? openpgpFingerprintBytes(before.openpgp) : null,
      });
    if (envelope && !same(before?.envelope ?? null, envelope))
      envelopeIndex = this.log.append({
        event: 'envelope_identity_published',
        address: addr,
        fingerprint: envelope,
        previous: before?.envelope ?? null,
      });
    this.bound.set(addr, { openpgp: served.openpgp, envelope, keyIndex: keyIndex!, envelopeIndex });
    return buildProofBundle(
      this.log.bundleParts(addr, keyIndex!, envelope ? (envelopeIndex ?? undefined) : undefined),
    );
  }

  /** The log routes under /api/v1/log, or null for any other path. */
  answer(url: URL): Response | null {
    const q = (name: string) => Number(url.searchParams.get(name));
    switch (url.pathname) {
      case '/api/v1/log/key':
        return new Response(`${this.log.vkey}\n`);
      case '/api/v1/log/vrf-key':
        return new Response(signVrfKeyNote(this.log.vrfKey, this.log.signer));
      case '/api/v1/log/checkpoint':
        return new Response(this.log.checkpoint());
      case '/api/v1/log/proof/consistency':
        // Like the Worker: nothing beyond the latest checkpoint (§7.1).
        if (q('to') > this.log.tree.size)
          return Response.json({ error: { code: 'out_of_range', message: 'Beyond.' } }, { status: 400 });
        return Response.json({
          from: q('from'),
          to: q('to'),
          proof: this.log.tree.consistencyProof(q('from'), q('to')).map(toBase64Url),
        });
      case '/api/v1/log/leaves':
        return Response.json({
          start: q('start'),
          leaves: this.log.leaves.slice(q('start'), q('end')).map(toBase64Url),
        });
      case '/api/v1/log/label': {
        const address = url.searchParams.get('address') ?? '';
        return Response.json({
          address,
          vrfProof: toBase64Url(proveAddress(this.log.vrfSecret, address).proof),
        });
      }
      default:
        return null;
    }
  }
}
