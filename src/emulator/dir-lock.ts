/**
 * One emulator per data directory. Two processes on one directory would delete each other's
 * temporary files and keep diverging indexes, so the second one is refused with a clear message.
 * A lock left by a process that no longer runs (a crash, kill -9) is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a process with this id runs (EPERM: it runs, under another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock; resolves with the function that releases it. */
export async function lockDirectory(root: string): Promise<() => Promise<void>> {
  const path = join(root, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(holder) && holder > 0 && processRuns(holder)) {
        throw new Error(`the data directory ${root} is in use by another emulator (pid ${holder}); stop it or choose another --data`);
      }
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock the data directory ${root}`);
}
