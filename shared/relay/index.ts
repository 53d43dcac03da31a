// The relay seal (docs/spec/relay-v1.md): a plaintext message sealed to the relay's X25519 key
// with HPKE, bound to its envelope. The wire layout stays internal to seal.ts.
export { HEADER_LENGTH, MAX_RECIPIENTS, MIN_IKM_LENGTH, SUITE_NAME, TAG_LENGTH } from './labels.ts';
export {
  openRelaySeal,
  type RelayEnvelope,
  type RelayPublicKey,
  relayAad,
  sealedKeyId,
  sealForRelay,
} from './seal.ts';
export { deriveRelayKeyPair, type RelayKeyPair, relayKeyId } from './suite.ts';
