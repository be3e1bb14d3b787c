#!/usr/bin/env node
/**
 * `npm run sparkify -- <command>`: each command lives in its own module under ./commands and
 * exports `run(argv: string[]): Promise<number>` (the process exit code).
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  generate: () => import('./commands/generate'),
  up: () => import('./commands/up'),
  worker: () => import('./commands/worker'),
  run: () => import('./commands/run'),
  status: () => import('./commands/status'),
};

function usage(): string {
  return [
    'usage: npm run sparkify -- <command> [options]',
    '',
    'commands:',
    '  generate   write a Sparkify dataset (song_data/, log_data/, log_json_path.json)',
    '  up         run the whole pipeline on embedded defaults and print a summary (npm start)',
    '  worker     run a worker on the sparkify task queue',
    '  run        start the sparkifyEtl workflow on a running Temporal (--wait to wait for it)',
    '  status     show the progress or result of a workflow: status <workflowId>',
    '',
    'Run a command with --help for its options.',
  ].join('\n');
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    process.exitCode = name ? 0 : 2;
    return;
  }
  const load = commands[name];
  if (!load) {
    console.error(`sparkify: unknown command '${name}'\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const command = await load();
  process.exitCode = await command.run(rest);
}

main().catch((err) => {
  console.error(`sparkify: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
