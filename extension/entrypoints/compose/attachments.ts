// Attachments as the compose frame holds them: read from the picked file into base64 for the
// port (overlay/protocol.ts ComposeIn), with the bytes read so far for the progress bar.

import { toBase64 } from '../../../shared/encoding.ts';
import { t } from '../../platform/browser.ts';

export interface FileItem {
  name: string;
  type: string;
  size: number;
  /** base64, or null while the file is still being read. */
  data: string | null;
  read: number;
}

export function readFile(file: File, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => onProgress(e.loaded);
    reader.onerror = () => reject(new Error(t('composeReadFailed', file.name)));
    reader.onload = () => resolve(toBase64(new Uint8Array(reader.result as ArrayBuffer)));
    reader.readAsArrayBuffer(file);
  });
}
