/**
 * Signers for code that must not hold the SecretKey (browsers): a remote signer backed by
 * `createSigningHandler`, and the pass-through signer for `createUploadProxy`.
 */
export { createRemoteSigner, type RemoteSigner, type RemoteSignerOptions, type RemoteSignerStats } from './remote-signer.js';
export { createProxySigner } from './proxy-signer.js';
export { SIGNING_LIMITS, SigningErrorCode, type SigningErrorCodeValue } from './schema.js';
