// The compose frame's port (overlay/protocol.ts ComposeIn/ComposeOut): the deposit's context,
// recipients' key statuses, encryption, and the insert round trip through the relay, which
// carries ciphertext only. The frame's token was checked by the router (overlay.ts).

import { fromBase64 } from '../../shared/encoding.ts';
import {
  ComposeIn,
  type ComposeOut,
  type LockStateOut,
  type RelayOut,
  SUBJECT_PLACEHOLDER,
} from '../overlay/protocol.ts';
import type { OverlayPort, PortSender } from '../overlay/runtime-port.ts';
import type { Deposit, OverlayHooks } from './overlay.ts';
import { encryptCompose, keyStatuses } from './overlay-encrypt.ts';
import { failureOf } from './overlay-failure.ts';

/** What the compose port uses of the router. */
export interface ComposeRouter {
  hooks: OverlayHooks;
  /** The deposit for a frame's token: same tab, claimed once. */
  claim(token: string, sender: PortSender | undefined, claimed: Set<string>): Deposit | null;
  toRelay(d: Deposit, msg: RelayOut): void;
  /** Tells the frame of every lock and unlock while its port is open. */
  listen(port: OverlayPort, tell: (m: LockStateOut) => void): void;
  /** The relay's acknowledgements of inserts, by token. */
  insertAcks: Map<string, (ok: boolean, registered: boolean) => void>;
}

export function serveCompose(port: OverlayPort, router: ComposeRouter): void {
  const { hooks, claim, toRelay, listen, insertAcks } = router;
  const claimed = new Set<string>();
  const send = (m: ComposeOut) => port.postMessage(m);
  listen(port, (m) => {
    try {
      send(m);
    } catch {
      // The frame went away.
    }
  });
  port.onMessage.addListener(async (raw) => {
    const parsed = ComposeIn.safeParse(raw);
    if (!parsed.success) return send({ t: 'failure', code: 'bad_request', message: 'Malformed request.' });
    const msg = parsed.data;
    const d = claim(msg.token, port.sender, claimed);
    if (!d?.compose)
      return send({ t: 'failure', code: 'forbidden', message: 'This frame has no compose window.' });
    const ctx = d.compose;
    if (msg.t === 'resize') return toRelay(d, { t: 'resize', token: msg.token, height: msg.height });
    if (msg.t === 'close') return toRelay(d, { t: 'close', token: msg.token });
    hooks.touch();
    try {
      if (msg.t === 'hello') {
        const from = await hooks.ownAddress();
        send({
          t: 'context',
          context: {
            to: ctx.to,
            cc: ctx.cc,
            bcc: ctx.bcc,
            unresolved: ctx.unresolved,
            subject: ctx.subject,
            typedChars: ctx.typedChars,
            from,
            unlocked: from !== null,
          },
        });
      } else if (msg.t === 'keys') {
        send({ t: 'keys', statuses: await keyStatuses(msg.addresses, hooks.keys) });
      } else if (msg.t === 'encrypt') {
        const out = await encryptCompose(
          {
            to: msg.to,
            cc: msg.cc,
            bcc: msg.bcc,
            subject: msg.subject,
            text: msg.text,
            sign: msg.sign,
            attachments: msg.attachments.map((a) => ({
              filename: a.name,
              contentType: a.type || 'application/octet-stream',
              data: fromBase64(a.data),
            })),
          },
          hooks.keys,
          hooks.cache,
          (done, total) => send({ t: 'progress', step: 'encrypting', done, total }),
        );
        send({ t: 'progress', step: 'inserting', done: 0, total: 1 });
        const ack = new Promise<{ ok: boolean; registered: boolean }>((resolve) => {
          insertAcks.set(msg.token, (ok, registered) => resolve({ ok, registered }));
          // Big ciphertext takes time to cross the port and to lay out in the editor.
          setTimeout(() => resolve({ ok: false, registered: false }), 10_000 + out.armored.length / 200);
        });
        toRelay(d, { t: 'insert', token: msg.token, armored: out.armored, subject: SUBJECT_PLACEHOLDER });
        const { ok, registered } = await ack;
        insertAcks.delete(msg.token);
        if (!ok)
          return send({
            t: 'failure',
            code: 'insert_failed',
            message: 'The webmail editor did not take the encrypted text.',
          });
        send({
          t: 'done',
          format: out.format,
          lines: out.armored.split('\n').length,
          modelRegistered: registered,
        });
      }
    } catch (e) {
      send({ t: 'failure', ...failureOf(e) });
    }
  });
}
