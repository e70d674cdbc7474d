/**
 * What `createEmulator` and `startEmulator` accept: each bad option is a VodArgumentError naming it,
 * thrown before anything listens or is stored; and where the running emulator says it listens.
 */
import { describe, expect, it } from 'vitest';
import { VodArgumentError } from '../src/protocol/index.js';
import { createEmulator, type EmulatorOptions } from '../src/emulator/emulator.js';
import { MemoryStorage } from '../src/emulator/memory-storage.js';
import { startEmulator, type StartEmulatorOptions } from '../src/emulator/server.js';
import { thrownArgumentError } from './helpers/thrown.js';

/** What each refusal says the option should be. */
const EXPECTED: Record<string, string> = {
  secretId: 'a string of 1 to 128 characters',
  secretKey: 'a non-empty string',
  credentials: 'at least one credential',
  timestampWindowSeconds: 'a positive number of seconds',
  rateLimits: 'an integer ≥ 0',
  hashing: 'an object with md5() and sha1() digest factories',
  publicUrl: 'an http(s) origin without a path, like "http://localhost:8787"',
};

describe('createEmulator options', () => {
  const refused = (options: unknown) => thrownArgumentError(() => createEmulator(options as EmulatorOptions)).message;

  it.each([
    [{ credentials: [{ secretId: '', secretKey: 'k' }] }, 'credentials[0].secretId'],
    [{ credentials: [{ secretId: 'a'.repeat(129), secretKey: 'k' }] }, 'credentials[0].secretId'],
    [{ credentials: [{ secretId: 5, secretKey: 'k' }] }, 'credentials[0].secretId'],
    [{ credentials: [null] }, 'credentials[0].secretId'],
    [{ credentials: [{ secretId: 'ok', secretKey: 'k' }, { secretId: 'id' }] }, 'credentials[1].secretKey'],
    [{ credentials: [{ secretId: 'id', secretKey: '' }] }, 'credentials[0].secretKey'],
    [{ credentials: [] }, 'credentials'],
    [{ timestampWindowSeconds: 0 }, 'timestampWindowSeconds'],
    [{ timestampWindowSeconds: Number.POSITIVE_INFINITY }, 'timestampWindowSeconds'],
    [{ timestampWindowSeconds: Number.NaN }, 'timestampWindowSeconds'],
    [{ rateLimits: { UploadPart: 1.5 } }, 'rateLimits.UploadPart'],
    [{ rateLimits: { InitUpload: -1 } }, 'rateLimits.InitUpload'],
    [{ hashing: { md5: () => undefined } }, 'hashing'],
    [{ hashing: { sha1: () => undefined } }, 'hashing'],
    [{ hashing: null }, 'hashing'],
    [{ publicUrl: 'http://localhost:8787/' }, 'publicUrl'],
    [{ publicUrl: 'ftp://localhost' }, 'publicUrl'],
    [{ publicUrl: 'http://local host' }, 'publicUrl'],
    [{ publicUrl: 'xhttp://localhost' }, 'publicUrl'],
  ])('%j is refused, naming %s and what it expects', (options, parameter) => {
    const kind = parameter.replace(/^credentials\[\d+\]\./, '').replace(/^rateLimits\..*/, 'rateLimits');
    expect(refused(options)).toContain(`Invalid ${parameter}: expected ${EXPECTED[kind]}`);
  });

  it('takes the edges of each range', () => {
    const digest = () => ({ update: () => undefined, digest: () => new Uint8Array() });
    const options: EmulatorOptions = {
      credentials: [
        { secretId: 'a'.repeat(128), secretKey: 'k' },
        { secretId: 'b', secretKey: 'k' },
      ],
      timestampWindowSeconds: 0.5,
      rateLimits: { UploadPart: 0 },
      hashing: { md5: digest, sha1: digest } as unknown as EmulatorOptions['hashing'],
      publicUrl: 'https://media.example.test:8443',
    };
    expect(() => createEmulator(options)).not.toThrow();
    expect(() => createEmulator({ publicUrl: 'http://localhost:8787' })).not.toThrow();
  });
});

describe('startEmulator options', () => {
  const refused = async (options: StartEmulatorOptions): Promise<string> => {
    const error = await startEmulator(options).then(
      async (running) => {
        await running.close();
        throw new Error(`expected ${JSON.stringify(options)} to be refused`);
      },
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(VodArgumentError);
    return (error as VodArgumentError).message;
  };

  it.each([[-1], [65536], [1.5], ['80' as unknown as number]])('port %j is refused before listening', async (port) => {
    expect(await refused({ port })).toContain('Invalid port: expected an integer from 0 to 65535');
  });

  it('port 65535 passes the check (if it is in use here, the listen error comes instead)', async () => {
    const outcome = await startEmulator({ port: 65535 }).then(
      (running) => running.close(),
      (reason: unknown) => reason,
    );
    expect(outcome).not.toBeInstanceOf(VodArgumentError);
  });

  it('data beside a storage, or an empty data path, is refused', async () => {
    expect(await refused({ port: 0, data: '/tmp/x', storage: new MemoryStorage() })).toContain(
      'Invalid data: expected to be omitted when storage is given',
    );
    expect(await refused({ port: 0, data: '' })).toContain('Invalid data: expected a directory path');
    expect(await refused({ port: 0, data: 42 as unknown as string })).toContain('Invalid data: expected a directory path');
  });

  it('listening on every IPv6 address, it names [::1] as its origin, and answers there', async () => {
    const running = await startEmulator({ port: 0, host: '::' });
    try {
      expect(running.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(running.endpoint).toBe(`${running.origin}/v2/index.php`);
      expect((await fetch(`${running.origin}/_emulator/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('listening on every IPv4 address, it names 127.0.0.1', async () => {
    const running = await startEmulator({ port: 0, host: '0.0.0.0' });
    try {
      expect(running.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await running.close();
    }
  });
});
