/**
 * The signer a browser uses when it talks to the upload proxy (`createUploadProxy`): it signs
 * nothing. The proxy checks each request, then signs it with its own key, Timestamp and Nonce.
 */
import type { Signer } from '../protocol/signature.js';

const proxySigner: Signer = {
  async sign(input) {
    const params = { ...input.params };
    // Nothing secret travels to the proxy; stray credentials are dropped rather than sent.
    delete params.SecretId;
    delete params.Signature;
    return params;
  },
};

/**
 * A {@link Signer} for uploads through `createUploadProxy`: passes the parameters through
 * unsigned, so the page holds no secret at all.
 *
 * @example
 * upload(file, { endpoint: 'https://app.example/vod-upload', signer: createProxySigner() });
 */
export function createProxySigner(): Signer {
  return proxySigner;
}
