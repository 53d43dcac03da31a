// Types for scripts/local-mail.mjs (plain JavaScript so `npm start` runs on bare Node).
export function emlPaths(line: string): string[];
export function createLocalMailBridge(
  webmailUrl: string,
  inbound?: { workerUrl: string; serviceDomain: string },
): (line: string) => Promise<string[]>;
export const LOCAL_EMAIL_LIMIT: number;
export interface InboundDelivery {
  to: string;
  /** The Worker's HTTP status; 0 when the mail was skipped. */
  status: number;
  note: string;
}
export function createInboundMailBridge(options: {
  webmailUrl: string;
  workerUrl: string;
  serviceDomain: string;
}): () => Promise<InboundDelivery[]>;
