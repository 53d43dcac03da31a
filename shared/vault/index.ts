// The key vault's public API: passphrase and recovery-code copies of the client's private keys.

export { generateRecoveryCode, normalizeRecoveryCode } from './recovery.ts';
export {
  checkVaultBlob,
  decodeVault,
  encodeVault,
  openVault,
  openVaultWithPassphrase,
  openVaultWithRecoveryCode,
  type RecoveryKdfParams,
  recoveryKey,
  rewrapVault,
  sealVault,
  sealVaultWithPassphrase,
  sealVaultWithRecoveryCode,
  type VaultBlob,
  type VaultOptions,
} from './seal.ts';
