// Content script entry: the matched webmail hosts, plus the local demo webmail.
import { startOverlays } from '../../overlay/content.ts';
import { connect, extensionPageUrl } from '../../overlay/runtime-port.ts';

export default defineContentScript({
  matches: [
    'https://mail.google.com/*',
    'https://outlook.live.com/*',
    'https://outlook.office.com/*',
    'https://outlook.office365.com/*',
    'https://mail.yahoo.com/*',
    'http://127.0.0.1/*',
    'http://localhost/*',
  ],
  runAt: 'document_end',
  main(ctx) {
    startOverlays({ connect, frameUrl: extensionPageUrl, onInvalidated: (fn) => ctx.onInvalidated(fn) });
  },
});
