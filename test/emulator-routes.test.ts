/**
 * How the emulator's web-standard handler (src/emulator/emulator.ts) routes what is not a protocol
 * action: preflights, files, wrong methods, unknown paths, a closing emulator, a disabled control
 * API, and an error thrown below it, which becomes an answer, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/emulator/emulator.js';
import { MemoryStorage } from '../src/emulator/memory-storage.js';

const ORIGIN = 'http://127.0.0.1:8787';
const send = (emulator: ReturnType<typeof createEmulator>, path: string, init: RequestInit = {}) =>
  emulator.handler(new Request(`${ORIGIN}${path}`, init));

describe('emulator routes', () => {
  it('a preflight for the protocol is a 204 with CORS headers for the page', async () => {
    const response = await send(createEmulator(), '/v2/index.php', { method: 'OPTIONS', headers: { Origin: 'https://app.example' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a file path with another method is a 405 naming what is allowed', async () => {
    const response = await send(createEmulator(), '/vod/123/f0.mp4', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
    expect(await response.text()).toBe('Method Not Allowed');
  });

  it('a file that does not exist, and any other path, are 404s', async () => {
    const emulator = createEmulator();
    expect((await send(emulator, '/vod/123/f0.mp4')).status).toBe(404);
    expect((await send(emulator, '/vod/123/f0.mp4', { method: 'HEAD' })).status).toBe(404);
    expect((await send(emulator, '/elsewhere')).status).toBe(404);
  });

  it('with the control API off, its paths are like any other: 404', async () => {
    const response = await send(createEmulator({ controlApi: false }), '/_emulator/health');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not Found');
  });

  it('once closing, everything is a 503', async () => {
    const emulator = createEmulator();
    await emulator.close();
    for (const path of ['/v2/index.php', '/_emulator/health', '/vod/1/f0.mp4']) {
      const response = await send(emulator, path);
      expect(response.status, path).toBe(503);
      expect(await response.text()).toBe('Service Unavailable: the emulator is closing');
    }
  });

  it('an error thrown while serving a file is a plain-text 500 naming it', async () => {
    const storage = new MemoryStorage();
    storage.getFileById = async () => {
      throw new Error('disk gone');
    };
    const response = await send(createEmulator({ storage }), '/vod/123/f0.mp4');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('internal error: disk gone');
  });
});
