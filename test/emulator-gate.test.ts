/**
 * The gate every protocol request passes (src/emulator/gate.ts), on a fake clock: what each
 * refusal says (the client shows it to the user), the Timestamp window's edges, and how long a
 * Nonce is remembered.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/emulator/emulator.js';
import { Gate } from '../src/emulator/gate.js';
import { ErrorCode, hmacBase64, stringToSign } from '../src/protocol/index.js';

const SECRET = { secretId: 'AKIDgate', secretKey: 'gate-key' };
const HOST = 'vod.example.test';
const PATH = '/v2/index.php';
const WINDOW_SECONDS = 300;
const T0 = 1_700_000_000_000;

/** A gate on a clock the test moves. */
function gateAt(start = T0, rateLimits = DEFAULT_RATE_LIMITS) {
  const clock = { now: start };
  const gate = new Gate({ credentials: [SECRET], timestampWindowSeconds: WINDOW_SECONDS, rateLimits, now: () => clock.now });
  return { gate, clock };
}

/** A signed InitUpload query; `nonce` and `timestamp` (Unix s) as given. */
async function signedQuery(nonce: string, timestamp: number, secret = SECRET): Promise<Record<string, string>> {
  const params: Record<string, string> = {
    Action: 'InitUpload',
    Region: 'gz',
    Timestamp: String(timestamp),
    Nonce: nonce,
    SecretId: secret.secretId,
  };
  const Signature = await hmacBase64(secret.secretKey, 'HmacSHA1')(stringToSign({ method: 'POST', host: HOST, path: PATH, params }));
  return { ...params, Signature };
}

const refusal = async (gate: Gate, query: Record<string, string>, hosts: string[] = [HOST]) => {
  const result = await gate.check('POST', hosts, PATH, query);
  return result.ok ? undefined : result.answer;
};

describe('gate refusals say what was wrong', () => {
  it('a missing common parameter is named', async () => {
    const { gate } = gateAt();
    const { Nonce: _, ...query } = await signedQuery('1', T0 / 1000);
    const answer = await refusal(gate, query);
    expect(answer).toMatchObject({ code: ErrorCode.CommonParams });
    expect(answer?.message).toMatch(/^Nonce: \S/);
  });

  it('an unknown SecretId, and a signature for another host (or none named)', async () => {
    const { gate } = gateAt();
    const stranger = await signedQuery('1', T0 / 1000, { secretId: 'AKIDother', secretKey: 'k' });
    expect(await refusal(gate, stranger)).toMatchObject({
      code: ErrorCode.UnknownSecretId,
      message: 'SecretId is not known to this emulator',
    });
    const query = await signedQuery('2', T0 / 1000);
    expect((await refusal(gate, query, ['other.example.test']))?.message).toBe(
      `Signature does not verify for POST other.example.test${PATH}`,
    );
    expect((await refusal(gate, query, []))?.message).toBe(`Signature does not verify for POST ${PATH}`);
  });

  it('a Timestamp outside the window names the window and the emulator clock, in seconds', async () => {
    const { gate } = gateAt(T0 + 400_500);
    expect(await refusal(gate, await signedQuery('1', T0 / 1000))).toMatchObject({
      code: ErrorCode.ReplayOrClock,
      canRetry: 1,
      message: `Timestamp ${T0 / 1000} is outside the 300 s window around ${T0 / 1000 + 400}`,
    });
  });

  it('a reused Nonce and the rate limit are named', async () => {
    const { gate } = gateAt(T0, { ...DEFAULT_RATE_LIMITS, InitUpload: 1 });
    const query = await signedQuery('77', T0 / 1000);
    expect(await refusal(gate, query)).toBeUndefined();
    expect(await refusal(gate, query)).toMatchObject({ code: ErrorCode.ReplayOrClock, message: 'Nonce 77 was already used' });
    expect(await refusal(gate, await signedQuery('78', T0 / 1000))).toMatchObject({
      code: ErrorCode.RateLimited,
      message: 'InitUpload is limited to 1 calls per minute',
    });
  });
});

describe('the Timestamp window and the Nonce memory', () => {
  it('takes a Timestamp exactly a window away on either side, and refuses one millisecond more', async () => {
    const timestamp = T0 / 1000;
    for (const [now, passes] of [
      [T0 + WINDOW_SECONDS * 1000, true],
      [T0 - WINDOW_SECONDS * 1000, true],
      [T0 + WINDOW_SECONDS * 1000 + 1, false],
      [T0 - WINDOW_SECONDS * 1000 - 1, false],
    ] as const) {
      const { gate } = gateAt(now);
      expect(await refusal(gate, await signedQuery('5', timestamp)), `now ${now - T0} ms`).toEqual(passes ? undefined : expect.anything());
    }
  });

  it('remembers a Nonce for as long as its Timestamp can still pass: a replay near the far edge is refused', async () => {
    const { gate, clock } = gateAt();
    const query = await signedQuery('9', T0 / 1000 + WINDOW_SECONDS);
    expect(await refusal(gate, query)).toBeUndefined();
    // The same request, signed for the far edge, still passes the Timestamp check 2 windows later.
    clock.now = T0 + 2 * WINDOW_SECONDS * 1000 - 1;
    expect(await refusal(gate, query)).toMatchObject({ message: 'Nonce 9 was already used' });
  });
});
