/**
 * Waiting for the emulator to settle: every suite counts what reached the emulator only after it
 * reports no request in flight, because a request a client aborted may still be read (and its part
 * stored) after the client gave up on it. Bounded: a request that never ends fails the test with
 * how many are still open, instead of hanging it or counting too early.
 */
import type { RequestLog } from '../../src/emulator/log.js';

/** How long an emulator may take to finish what is in flight before a test calls it stuck. */
export const SETTLE_TIMEOUT_MS = 15_000;

/** Waits until an in-process emulator handles no request (event-driven, no polling). */
export async function settle(emulator: { emulator: { log: RequestLog } }, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  const log = emulator.emulator.log;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the emulator still handles ${log.requestsInFlight} request(s) after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([log.settled(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same for an emulator in another process, through `GET /_emulator/log` (polled: the control
 * API has no push). Returns the settled log summary.
 */
export async function settleRemote(
  origin: string,
  timeoutMs = SETTLE_TIMEOUT_MS,
  stepMs = 25,
): Promise<{ requestsInFlight: number; [field: string]: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${origin}/_emulator/log?entries=0`);
    if (!response.ok) throw new Error(`GET /_emulator/log answered ${response.status}`);
    const summary = (await response.json()) as { requestsInFlight: number };
    if (summary.requestsInFlight === 0) return summary;
    if (Date.now() > deadline) throw new Error(`the emulator still handles ${summary.requestsInFlight} request(s) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * `promise`, or a rejection with `message` after `ms`. For things that must happen and would
 * otherwise never happen (a hung request, a lost abort): the bound only separates "soon" from
 * "never", so make it generous.
 */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (waited ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `condition` every `stepMs` until it holds, for state that announces no event (another
 * process, a counter); fails with `message` after `timeoutMs`.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = SETTLE_TIMEOUT_MS,
  stepMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
