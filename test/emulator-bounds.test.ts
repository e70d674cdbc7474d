/**
 * Regressions from review: hostile sizes cannot stall the emulator, Range ends are clamped, a
 * rate-limited request keeps its Nonce, and `__proto__` is an ordinary (signed) parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { call, freshNonce, initParams, makeFile, signedUrl, uploadWhole } from './helpers/emulator-client.js';
import { within } from './helpers/settle.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

describe('emulator bounds', () => {
  it('refuses a fileSize of more parts than the protocol lists (-10003), so Finish can never walk 10^10 parts', async () => {
    const file = makeFile(10);
    const { answer } = await call(emu.endpoint, 'InitUpload', { ...initParams(file, 524288), fileSize: Number.MAX_SAFE_INTEGER });
    expect(answer).toMatchObject({ code: -10003, canRetry: 0 });
    expect(answer.message).toMatch(/fileSize/);
    // Walking 10^10 missing parts would never end: the bound only separates that from an answer.
    const finish = await within(call(emu.endpoint, 'FinishUpload', { fileSha: file.fileSha }), 15_000, 'Finish walked the declared parts');
    expect(finish.answer.code).toBe(-10005);
  });

  it('Finish with many parts missing answers at once, naming the first offsets and counting the rest', async () => {
    const file = makeFile(10);
    const size = 200_000 * 524288; // 200 000 parts declared, none sent
    expect((await call(emu.endpoint, 'InitUpload', { ...initParams(file, 524288), fileSize: size })).answer.code).toBe(0);
    const { answer } = await call(emu.endpoint, 'FinishUpload', { fileSha: file.fileSha });
    expect(answer).toMatchObject({ code: -10003, canRetry: 0 });
    expect(answer.message).toMatch(/and 199980 more/);
    expect((answer.missingOffsets as number[]).length).toBe(1000);
  });

  it('a Range end past the file, however long, is clamped (206), not refused', async () => {
    const file = makeFile(10);
    const { url } = await uploadWhole(emu.endpoint, file);
    const response = await fetch(url!, { headers: { Range: 'bytes=2-99999999999999999999' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 2-9/10');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(file.bytes.subarray(2));
  });

  it('a request refused for the rate (4400) can be sent again as is: its Nonce was not used up', async () => {
    const local = await startEmulator({ port: 0, rateLimits: { InitUpload: 1 } });
    try {
      await call(local.endpoint, 'InitUpload', initParams(makeFile(10)));
      const url = await signedUrl(local.endpoint, 'InitUpload', initParams(makeFile(10)), { nonce: freshNonce() });
      const first = (await (await fetch(url, { method: 'POST' })).json()) as { code: number };
      expect(first.code).toBe(4400);
      const again = (await (await fetch(url, { method: 'POST' })).json()) as { code: number };
      expect(again.code).toBe(4400); // still the rate, not 4500 "Nonce already used"
    } finally {
      await local.close();
    }
  });

  it('an extra parameter named __proto__ is signed and verified like any other', async () => {
    const file = makeFile(10);
    // An own property: in an object literal `__proto__: 'x'` would set (or here, drop) the prototype.
    const params = Object.defineProperty(initParams(file), '__proto__', { value: 'x', enumerable: true });
    const url = await signedUrl(emu.endpoint, 'InitUpload', params);
    expect(new URL(url).searchParams.get('__proto__')).toBe('x');
    const answer = (await (await fetch(url, { method: 'POST' })).json()) as { code: number; message: string };
    expect(answer).toMatchObject({ code: 0 });
  });
});
