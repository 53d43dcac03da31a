// Types for scripts/local-mail.mjs (plain JavaScript so `npm start` runs on bare Node).
export function emlPaths(line: string): string[];
export function createLocalMailBridge(webmailUrl: string): (line: string) => Promise<string[]>;
