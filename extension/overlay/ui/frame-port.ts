// A frame's port to the background, reconnecting once if the background restarted (MV3 service
// workers stop when idle; an open port keeps them alive while the frame is shown).

import { connect, type OverlayPort } from '../runtime-port.ts';

export function framePort<Out>(name: string, onMessage: (m: Out) => void): { post(m: unknown): void } {
  let port: OverlayPort | null = null;
  const open = (): OverlayPort => {
    const p = connect(name);
    p.onMessage.addListener((m) => onMessage(m as Out));
    p.onDisconnect.addListener(() => {
      port = null;
    });
    port = p;
    return p;
  };
  return {
    post(m: unknown) {
      (port ?? open()).postMessage(m);
    },
  };
}

/** Tells the background how tall the frame wants to be, whenever its content changes size. */
export function reportHeight(send: (height: number) => void): void {
  let last = 0;
  const measure = () => {
    const h = Math.ceil(document.documentElement.scrollHeight) + 2;
    if (Math.abs(h - last) > 2) {
      last = h;
      send(Math.max(40, Math.min(h, 20_000)));
    }
  };
  new ResizeObserver(measure).observe(document.body);
  measure();
}
