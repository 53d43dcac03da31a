// What a read or compose frame is told when serving it failed: a stable code and a message
// written never to carry secrets, or a generic line for a bug (logged where developers look).

import { isNoiseError } from '../../shared/errors.ts';

export function failureOf(e: unknown): { code: string; message: string } {
  // NoiseError and ExtensionError messages are written never to carry secrets.
  if (isNoiseError(e) || (e instanceof Error && typeof (e as { code?: unknown }).code === 'string')) {
    return { code: (e as unknown as { code: string }).code, message: e.message };
  }
  // A bug is logged where developers look (the background's console), and never shown as if the
  // message were at fault.
  console.error('noise: internal error while serving an overlay', e);
  return { code: 'internal', message: 'Something went wrong; nothing was shown.' };
}
