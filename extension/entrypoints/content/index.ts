// Content script entry: the matched webmail hosts, plus the local demo webmail.
import { startOverlays } from '../../overlay/content.ts';
import { connect, extensionPageUrl } from '../../overlay/runtime-port.ts';
import { WEBMAIL_MATCHES } from '../../webmail-hosts.ts';

export default defineContentScript({
  matches: WEBMAIL_MATCHES,
  // Injected at document_start and started on DOMContentLoaded: injected at document_end, the
  // script placed the first read frame a median 57 ms after DOMContentLoaded (bench overlay,
  // warm), this way 17 ms. ctx.addEventListener drops the listener if the context is invalidated.
  runAt: 'document_start',
  main(ctx) {
    const start = () =>
      startOverlays({ connect, frameUrl: extensionPageUrl, onInvalidated: (fn) => ctx.onInvalidated(fn) });
    if (document.readyState === 'loading')
      ctx.addEventListener(document, 'DOMContentLoaded', start, { once: true });
    else start();
  },
});
