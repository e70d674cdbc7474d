/** How a request that got no usable answer fails: aborted, timed out, stalled, too large, or a network error. */
import { ClientErrorCode, VodError, type VodAction } from '../protocol/errors.js';
import type { Deadline } from '../util/deadline.js';
import { AnswerTooLarge } from './answer.js';

/** Maps a failed fetch to a typed error: abort, timeout, stall or network, each saying whether to retry. */
export function transportError(
  action: VodAction,
  error: unknown,
  signal: AbortSignal | undefined,
  deadline: Pick<Deadline, 'expired' | 'stalled'>,
  limits: { timeoutMs: number; stallTimeoutMs: number },
): VodError {
  if (error instanceof VodError) return error;
  if (error instanceof AnswerTooLarge) {
    return new VodError({
      code: ClientErrorCode.BadAnswer,
      message: `${action}: the answer broke the protocol (${error.message})`,
      canRetry: false,
      action,
      cause: error,
    });
  }
  if (signal?.aborted) {
    return new VodError({ code: ClientErrorCode.Aborted, message: `${action} was aborted`, canRetry: false, action, cause: signal.reason });
  }
  if (deadline.stalled) {
    return new VodError({
      code: ClientErrorCode.Timeout,
      message: `${action}: stalled (no byte sent or received for ${limits.stallTimeoutMs} ms)`,
      canRetry: true,
      action,
      cause: error,
    });
  }
  if (deadline.expired) {
    return new VodError({
      code: ClientErrorCode.Timeout,
      message: `${action}: no answer within ${limits.timeoutMs} ms`,
      canRetry: true,
      action,
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new VodError({
    code: ClientErrorCode.Network,
    message: `${action}: network failure (${reason})`,
    canRetry: true,
    action,
    cause: error,
  });
}
