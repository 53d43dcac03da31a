// The public API of shared/pgp. Everything else in the folder is internal.
export type { PrivateKey, PublicKey } from 'openpgp';
export { PGP_CONFIG } from './config.ts';
export { type EncryptOptions, encryptMessage, encryptStream } from './encrypt.ts';
export { type HtmlContentReport, htmlToText, scanHtmlContent } from './html-body.ts';
export {
  assertEncryptionKey,
  type GeneratedKey,
  type GenerateKeyOptions,
  generateKey,
  type KeyInfo,
  type KeyInput,
  type KeyPartInfo,
  publicKeyOf,
  readKeyInfo,
  readPublicKey,
  type UserIdInfo,
  type UserIdInput,
  unlockPrivateKey,
} from './keys.ts';
export {
  type DecryptLimits,
  type DecryptOptions,
  type DecryptResult,
  type DecryptStreamResult,
  decryptMessage,
  decryptStream,
} from './message.ts';
export {
  buildEncryptedMime,
  buildInnerEntity,
  buildSignedMime,
  HIDDEN_SUBJECT,
  type MailAddress,
  type MailAttachment,
  type MailContent,
  type PgpMimeOptions,
} from './mime-build.ts';
export { type RevocationReason, revocationState, revokeKey } from './revocation.ts';
export {
  assertSigningKey,
  signCleartext,
  signDetached,
  verifyCleartext,
  verifyDetached,
} from './signatures.ts';
export {
  type BaseVerdict,
  emptyVerdict,
  type HeaderName,
  type SignatureStatus,
  type SignatureVerdict,
  userIdsContainAddress,
  type Verdict,
  withFrom,
} from './verdict.ts';
