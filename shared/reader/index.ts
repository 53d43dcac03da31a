// The public API of shared/reader (docs/verdicts.md, docs/limits.md). Everything else is internal.
export type { EnvelopeKeys, ReaderKeys } from './layers.ts';
export { DEFAULT_LIMITS, type ReadLimits } from './limits.ts';
export { type ReadOptions, readMessage } from './read-message.ts';
export { SIGNATURE_DATE_SKEW_MS } from './sender.ts';
export type {
  EncryptionLayer,
  ForwardedInfo,
  InputSource,
  MessageHeaders,
  MessageVerdict,
  Protection,
  ReadAttachment,
  ReadPart,
  ReadResult,
  VerdictWarning,
  WarningCode,
} from './types.ts';
export { type VerdictClass, verdictClass } from './verdict-class.ts';
