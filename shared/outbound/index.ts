// Outgoing mail (docs/api.md, relay): the one builder the extension and the CLI share, the
// Autocrypt header, and the Sent copy under the inbox key.
export { autocryptHeader, minimalKey, parseAutocrypt } from './autocrypt.ts';
export {
  envelopeRecipients,
  type OutgoingMail,
  type PreparedSend,
  prepareSend,
  type SendPlan,
} from './compose.ts';
export { newSentId, sealSentCopy, sentSummary } from './sent-copy.ts';
