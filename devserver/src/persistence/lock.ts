/**
 * One server per state file: a `<file>.lock` holding the owner's pid. A lock left by a process
 * that no longer exists (SIGKILL) is taken over; a live owner makes the start fail with its pid.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockStateFile(filename: string): Promise<() => Promise<void>> {
  const lockFile = `${filename}.lock`;
  await fs.mkdir(path.dirname(path.resolve(filename)), { recursive: true });
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await fs.readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && processExists(owner)) {
        throw new Error(`${filename} is in use by another devserver (pid ${owner}, see ${lockFile})`);
      }
      // Stale lock (its process is gone): remove it and try again.
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${filename}: ${lockFile} keeps reappearing`);
}
