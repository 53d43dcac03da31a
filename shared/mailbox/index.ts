// The mailbox formats (docs/spec/mailbox-v1.md): summaries and bodies sealed under the inbox key,
// and the summary's JSON. The wire layout stays internal to sealed-object.ts.
export {
  HEADER_LENGTH,
  INBOX_KEY_LENGTH,
  KIND_BODY,
  KIND_SUMMARY,
  type ObjectKind,
  SNIPPET_MAX_CHARS,
  SUMMARY_MAX_BYTES,
} from './labels.ts';
export {
  generateInboxKey,
  inboxKeyId,
  type ObjectContext,
  openObject,
  openObjectChunks,
  SEGMENT_SIZE,
  sealedKeyId,
  sealedLength,
  sealObject,
  sealObjectChunks,
  sealObjectStream,
} from './sealed-object.ts';
export {
  ArrivalEncryption,
  AutocryptHint,
  decodeSummary,
  encodeSummary,
  messageIdKey,
  RELAYED_AS_MAX,
  Summary,
  SummaryAddress,
  type SummaryV2,
  type SummaryV3,
  snippetOf,
  threadIdOf,
  threadKeysOf,
} from './summary.ts';
