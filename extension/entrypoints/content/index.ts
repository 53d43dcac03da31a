// Content script entry: the matched webmail hosts, plus the local demo webmail.
import { prepareOverlays, startOverlays } from '../../overlay/content.ts';
import { connect, extensionPageUrl, localMessage } from '../../overlay/runtime-port.ts';
import { WEBMAIL_MATCHES } from '../../webmail-hosts.ts';

export default defineContentScript({
  matches: WEBMAIL_MATCHES,
  // Injected at document_start: a spare read frame starts loading and the relay port opens (the
  // background then readies the unlocked key) while the page is still parsing; scanning starts on
  // DOMContentLoaded. Made on demand, the frame was most of the time from a message shown to its
  // plaintext visible (bench overlay). ctx.addEventListener drops the listener if the context is
  // invalidated.
  runAt: 'document_start',
  main(ctx) {
    const deps = {
      connect,
      frameUrl: extensionPageUrl,
      message: localMessage,
      onInvalidated: (fn: () => void) => ctx.onInvalidated(fn),
    };
    prepareOverlays(deps);
    const start = () => startOverlays(deps);
    if (document.readyState === 'loading')
      ctx.addEventListener(document, 'DOMContentLoaded', start, { once: true });
    else start();
  },
});
