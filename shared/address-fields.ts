// Address header fields (From, To, Cc, Sender, OpenPGP user IDs) read by postal-mime's address
// parser: display names, comments, encoded words (RFC 2047) and groups (RFC 5322 §3.4). Each
// address is checked and normalised by the one rule in address.ts (docs/api.md, Addresses).

import { addressParser } from 'postal-mime';
import { parseAddress } from './address.ts';

/** One mailbox of an address header field. */
export interface Mailbox {
  /** The display name, decoded (RFC 2047); '' when there is none. */
  name: string;
  /** The address in normal form; '' when the mailbox has none that is an address here. */
  address: string;
  /** The address as the field wrote it (what must be echoed exactly, e.g. to a mail service). */
  written: string;
}

type ParsedAddress = ReturnType<typeof addressParser>[number];

const COMMENT = /\((?:[^()\\]|\\.)*\)/g;

/** RFC 5322 §3.2.3: a dot-atom may stand between comments (CFWS); postal-mime leaves those inside <>. */
function withoutComments(text: string): string {
  let out = text;
  for (let next = out.replace(COMMENT, ''); next !== out; next = out.replace(COMMENT, '')) out = next;
  return out;
}

/** The mailboxes of postal-mime's parse, group members in place of their group (RFC 5322 §3.4). */
export function mailboxesOf(list: readonly ParsedAddress[] | undefined): Mailbox[] {
  const out: Mailbox[] = [];
  for (const entry of list ?? []) {
    for (const m of entry.group ?? [entry]) {
      const written = m.address ?? '';
      out.push({ name: m.name ?? '', address: parseAddress(withoutComments(written)) ?? '', written });
    }
  }
  return out;
}

/** Every mailbox of an address field's value (From, To, Cc, a user ID). */
export function mailboxesIn(field: string): Mailbox[] {
  try {
    return mailboxesOf(addressParser(field));
  } catch {
    return [];
  }
}

/** The field's one mailbox, or null unless it holds exactly one entry, not a group, with an address. */
export function singleMailbox(field: string): Mailbox | null {
  let list: ParsedAddress[];
  try {
    list = addressParser(field);
  } catch {
    return null;
  }
  const only = list.length === 1 && !list[0]!.group ? mailboxesOf(list)[0] : undefined;
  return only?.address ? only : null;
}

/**
 * The address of "Name <a@b>", "a@b (comment)" or "a@b" (an OpenPGP user ID, RFC 9580 §5.11, or a
 * From value) in normal form; '' when there is none or more than one, so an ambiguous text never
 * matches an address. Name-only fragments ("Smith, John <j@x>") do not count.
 */
export function addressOf(text: string): string {
  const found = new Set(mailboxesIn(text).map((m) => m.address));
  found.delete('');
  return found.size === 1 ? [...found][0]! : '';
}
