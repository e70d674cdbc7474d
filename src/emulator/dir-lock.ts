/**
 * One emulator per data directory. Two processes on one directory would delete each other's
 * temporary files and keep diverging indexes, so the second one is refused with a clear message.
 * A lock left by a process that no longer runs (a crash, kill -9, a killed process its parent has
 * not reaped yet) is taken over. A holder that is still exiting (Ctrl-C, then the same command
 * again at once) is waited for, briefly.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** How long a new emulator waits for the holder of the lock to exit. */
export const LOCK_WAIT_MS = 5_000;
const LOCK_POLL_MS = 50;

/** A killed process that its parent has not reaped yet: it holds nothing any more (Linux /proc). */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The state follows the command name, which is in parentheses and may itself hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

/** Whether a process with this id runs (EPERM: it runs, under another user). */
async function processRuns(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !(await isZombie(pid));
}

/** The pid in the lock file, if it names a process that runs. */
async function runningHolder(path: string): Promise<number | undefined> {
  const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isSafeInteger(holder) && holder > 0 && (await processRuns(holder)) ? holder : undefined;
}

/** Takes the directory's lock; resolves with the function that releases it. */
export async function lockDirectory(root: string, waitMs: number = LOCK_WAIT_MS): Promise<() => Promise<void>> {
  const path = join(root, 'lock');
  const deadline = Date.now() + waitMs;
  // Bounded in count as well as time: one try per poll interval, plus the first.
  const maxTries = Math.ceil(waitMs / LOCK_POLL_MS) + 2;
  for (let attempt = 0; attempt < maxTries; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await runningHolder(path);
      if (holder === undefined) {
        await rm(path, { force: true }); // stale: its process is gone
        continue;
      }
      // This very process will not exit while it waits for itself.
      if (Date.now() >= deadline || holder === process.pid) {
        throw new Error(`the data directory ${root} is in use by another emulator (pid ${holder}); stop it or choose another --data`);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  throw new Error(`could not lock the data directory ${root}`);
}
