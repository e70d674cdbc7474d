/**
 * A data directory of the emulator remembers the port it was served on (`DIR/port`), so the
 * same directory always has the same endpoint: `vod-upload --emulator` reruns find their
 * checkpoints (the endpoint is part of a checkpoint's identity), and the URLs a run printed work
 * again with `vod-upload emulator --data DIR`.
 *
 * A new directory takes port 8787, or a free port when 8787 is taken. If an emulator already
 * serves the directory, its endpoint is used instead of starting a second one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../emulator/server.js';

/** The emulator's usual port (the README and `vod-upload emulator` use it). */
export const DEFAULT_EMULATOR_PORT = 8787;

const PORT_FILE = 'port';

/** The port `data` was last served on, if it remembers one. */
export async function rememberedPort(data: string): Promise<number | undefined> {
  const text = await readFile(join(data, PORT_FILE), 'utf8').catch(() => undefined);
  const port = Number(text?.trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** The pid in `data`'s lock file, when that process still runs (an emulator serves the directory). */
export async function servingPid(data: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(data, 'lock'), 'utf8').catch(() => '')).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

export interface DataEmulatorOptions extends Omit<StartEmulatorOptions, 'data' | 'port' | 'storage'> {
  data: string;
  /** A port the user asked for; else the remembered one, else 8787 (or a free one if taken). */
  port?: number | undefined;
}

/** Starts an emulator on `data` at the directory's port, and remembers the port it got. */
export async function startDataEmulator(options: DataEmulatorOptions): Promise<RunningEmulator> {
  const { data, port: asked, ...rest } = options;
  const remembered = await rememberedPort(data);
  const port = asked ?? remembered ?? DEFAULT_EMULATOR_PORT;
  let running: RunningEmulator;
  try {
    running = await startEmulator({ ...rest, data, port });
  } catch (error) {
    // A new directory does not insist on 8787: another program may hold it.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || asked !== undefined || remembered !== undefined) {
      throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? new Error(`port ${port} is in use (${data} was served on it before): stop what holds it, or give --port`)
        : error;
    }
    running = await startEmulator({ ...rest, data, port: 0 });
  }
  const got = Number(new URL(running.origin).port);
  if (got !== remembered) await writeFile(join(data, PORT_FILE), `${got}\n`);
  return running;
}
