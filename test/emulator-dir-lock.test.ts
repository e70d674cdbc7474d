/**
 * The data directory's lock after Ctrl-C or kill -9 (issue 9, bug 8): an emulator started on the
 * same --data while the old one is still exiting waits for it, and a killed holder its parent has
 * not reaped (a zombie) holds nothing. A holder that keeps running is still refused, in bounded time.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDirectory } from '../src/emulator/dir-lock.js';
import { openDiskStorage } from '../src/emulator/index.js';

let root: string;
const children: number[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vod-lock-'));
});
afterAll(async () => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(root, { recursive: true, force: true });
});

/** A process that runs until told to exit (by a line on stdin), and its pid. */
function holder(): { pid: number; exit: () => void; exited: Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'process.stdin.once("data", () => process.exit(0))'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  children.push(child.pid!);
  return { pid: child.pid!, exit: () => child.stdin.write('bye\n'), exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

describe('lockDirectory', () => {
  it('waits for a holder that is still exiting (Ctrl-C, then the same command at once)', async () => {
    const dir = await mkdtemp(join(root, 'exiting-'));
    const old = holder();
    await writeFile(join(dir, 'lock'), String(old.pid));
    const locking = lockDirectory(dir);
    old.exit();
    const release = await locking;
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    await release();
  });

  it('takes over from a SIGKILLed holder that was not reaped yet (a zombie)', async () => {
    const dir = await mkdtemp(join(root, 'zombie-'));
    // sh starts a background sleep, then becomes a sleep that never reaps it: killed, it stays a zombie.
    const shell = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(shell.pid!);
    const pid = Number(
      await new Promise<string>((resolve) => shell.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))),
    );
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && !(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).includes(') Z'); i++)
      await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(dir, 'lock'), String(pid));
    const started = performance.now();
    const release = await lockDirectory(dir);
    expect(performance.now() - started).toBeLessThan(1_000);
    await release();
  });

  it('still refuses a holder that keeps running, after a bounded wait', async () => {
    const dir = await mkdtemp(join(root, 'running-'));
    const alive = holder();
    await writeFile(join(dir, 'lock'), String(alive.pid));
    await expect(lockDirectory(dir, 300)).rejects.toThrow(new RegExp(`in use by another emulator \\(pid ${alive.pid}\\)`));
    alive.exit();
    await alive.exited;
  });
});

describe('data directory lock, through the disk storage', () => {
  it('a second emulator on the same directory is refused with a clear message; after close it opens', async () => {
    const data = join(root, 'locked');
    const first = await openDiskStorage(data);
    await expect(openDiskStorage(data)).rejects.toThrow(/in use by another emulator \(pid \d+\)/);
    await first.close();
    const second = await openDiskStorage(data);
    await second.close();
  });

  it('a lock left by a process that no longer runs is taken over', async () => {
    const data = join(root, 'stale');
    await (await openDiskStorage(data)).close();
    await writeFile(join(data, 'lock'), '2147483646'); // no such process
    const storage = await openDiskStorage(data);
    // Taken over for real: the directory is now locked by this process, not merely unlocked.
    await expect(openDiskStorage(data)).rejects.toThrow(new RegExp(`in use by another emulator \\(pid ${process.pid}\\)`));
    await storage.close();
    await (await openDiskStorage(data)).close();
  });

  it('asked again by the process that holds it, it refuses at once (it would wait for itself), naming this pid', async () => {
    const data = join(root, 'self');
    await mkdir(data, { recursive: true });
    const unlock = await lockDirectory(data, 60_000);
    try {
      const started = Date.now();
      await expect(lockDirectory(data, 60_000)).rejects.toThrow(`in use by another emulator (pid ${process.pid})`);
      // Well under the 60 s it would otherwise wait.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await unlock();
    }
  }, 45_000);

  it.each(['0', '-1', 'not a pid', ''])(
    'a lock file that names no process (%j) is taken over at once',
    async (content) => {
      const data = join(root, `garbage-${content.length}`);
      await mkdir(data, { recursive: true });
      await writeFile(join(data, 'lock'), content);
      const started = Date.now();
      const unlock = await lockDirectory(data, 60_000);
      // Taken over, not waited for: pid 0 would be the caller's own process group, which always runs.
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await readFile(join(data, 'lock'), 'utf8')).toBe(String(process.pid));
      await unlock();
    },
    45_000,
  );

  it('releasing a lock whose file was already removed by hand is not an error', async () => {
    const data = join(root, 'removed-by-hand');
    await mkdir(data, { recursive: true });
    const unlock = await lockDirectory(data);
    await rm(join(data, 'lock'));
    await expect(unlock()).resolves.toBeUndefined();
  });

  it('any other error (the directory is missing) is thrown as it is, not taken for a holder', async () => {
    await expect(lockDirectory(join(root, 'missing', 'deeper'), 60_000)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
