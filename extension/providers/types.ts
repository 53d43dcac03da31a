// One small interface over every webmail: where compose bodies and displayed messages are, and
// what the page says about recipients, subject, sender and message id. Adapters only read the
// page; they hold no keys, do no crypto and never write markup.

export type ProviderName = 'gmail' | 'outlook' | 'yahoo' | 'generic';

export interface Recipients {
  to: string[];
  cc: string[];
  bcc: string[];
  /** Recipients the page shows by name only (Outlook pills): ask the user or resolve them. */
  unresolved: NamedRecipient[];
}

export interface Composer {
  provider: ProviderName;
  /** The compose form or dialog holding the body, recipients and subject. */
  root: HTMLElement;
  /** Where the webmail's editor takes text. */
  body: HTMLElement;
  kind: 'contenteditable' | 'textarea';
  subjectInput: HTMLInputElement | null;
  subject(): string;
  /** Addresses the DOM shows now. */
  recipients(): Recipients;
  /** Also asks the page for addresses it only shows on demand (hover cards); otherwise as recipients(). */
  resolveRecipients(): Promise<Recipients>;
}

export interface DisplayedMessage {
  provider: ProviderName;
  /** The container of the displayed body (where ciphertext shows as text). */
  element: HTMLElement;
  /** The provider's id for the message, or null when the page shows none. */
  messageId: string | null;
  /** The sender's address as the page shows it, or null. */
  sender(): string | null;
  /** The provider cut the body short; fullViewUrl opens all of it when known. */
  clipped: boolean;
  fullViewUrl: string | null;
}

export interface PageLocation {
  hostname: string;
}

export interface ProviderAdapter {
  name: ProviderName;
  detect(location: PageLocation, document: Document): boolean;
  findComposers(root: ParentNode): Composer[];
  findMessages(root: ParentNode): DisplayedMessage[];
}

/** A recipient the page shows by display name only, in its field. */
export interface NamedRecipient {
  field: 'to' | 'cc' | 'bcc';
  name: string;
}
