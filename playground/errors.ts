/**
 * Failures in words a person understands, with what to do about them. The protocol's code stays
 * visible at the end for whoever has to dig further.
 */
import { ClientErrorCode, ErrorCode, VodError } from '../src/protocol/index.js';

const WORDS: Readonly<Record<string, string>> = {
  [ClientErrorCode.Network]: 'Could not reach the upload service. Is the emulator still running (npm start)?',
  [ClientErrorCode.Timeout]: 'The upload service did not answer in time. Try again in a moment.',
  [ClientErrorCode.NotJson]: 'The upload service answered with something that is not the protocol (a proxy error page?).',
  [ClientErrorCode.BadAnswer]: 'The upload service answered in a shape this page does not understand.',
  [ErrorCode.Signature]: 'The service refused the signature: the signing server holds another key than the service expects.',
  [ErrorCode.UnknownSecretId]: 'The service does not know this account (SecretId).',
  [ErrorCode.AuthFailed]: 'The signing server did not accept this page (not signed in?).',
  [ErrorCode.AccessDenied]: 'The signing server refused to sign this upload (file type, size or permission).',
  [ErrorCode.RateLimited]: 'Too many requests for now: the service limits uploads per minute. Try again shortly.',
  [ErrorCode.ReplayOrClock]: "The request's time or nonce was refused. Check this computer's clock.",
  [ErrorCode.CacheWrite]: 'The service could not store a part. Try again.',
  [ErrorCode.Internal]: 'The service had an internal error. Try again.',
  [ErrorCode.Maintenance]: 'The service is under maintenance. Try again later.',
};

/** One sentence (or two) saying what went wrong. */
export function describeError(error: unknown): string {
  if (!(error instanceof VodError)) return error instanceof Error ? error.message : String(error);
  if (error.code === ClientErrorCode.InvalidArgument) return error.message;
  if (error.code === ErrorCode.BodyInvalid && !error.canRetry) {
    return 'The file changed while it was being uploaded (its checksum no longer matches). Upload it again.';
  }
  const said = (error.message || error.codeDesc || 'no reason given').replace(/[.\s]+$/, '');
  const words = WORDS[String(error.code)] ?? `The upload service said: ${said}.`;
  const retry = error.canRetry ? ' You can retry.' : '';
  return `${words}${retry} (code ${error.code})`;
}
