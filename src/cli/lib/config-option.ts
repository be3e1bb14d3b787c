/**
 * `--config dwh.cfg`, accepted by every command. The file is checked (and its warnings printed)
 * before any command runs; commands then read what they need: `run` only locations, a process
 * that runs activities (`up`, `worker`) also the secrets, which stay in that process.
 */
import type { Command } from 'commander';
import { DwhConfigError, formatIssues, readDwhConfig, type DwhConfig } from '../../config/dwh-cfg';
import { UsageError } from './options';

export const CONFIG_OPTION = ['--config <file>', 'dwh.cfg (INI): [S3] locations, [AWS] keys, [CLUSTER] login; the environment and flags override it'] as const;

/** Reads --config when given; a missing or malformed file is a usage error naming it. */
export function loadConfig(file: string | undefined, options: { secrets: boolean; warn?: (line: string) => void }): DwhConfig | undefined {
  if (file === undefined) return undefined;
  let config: DwhConfig;
  try {
    config = readDwhConfig(file, { secrets: options.secrets });
  } catch (err) {
    if (err instanceof DwhConfigError) throw new UsageError(err.message);
    throw err;
  }
  for (const line of formatIssues(config)) options.warn?.(`warning: ${line}`);
  return config;
}

/** Adds --config to every subcommand and checks the file before the command's action runs. */
export function acceptConfigEverywhere(program: Command): void {
  for (const command of program.commands) command.option(...CONFIG_OPTION);
  program.hook('preAction', (_program, command) => {
    const file = command.opts<{ config?: string }>().config;
    try {
      loadConfig(file, { secrets: false, warn: (line) => console.error(line) });
    } catch (err) {
      if (err instanceof UsageError) command.error(`error: ${err.message}`, { exitCode: 2, code: 'sparkify.usage' });
      throw err;
    }
  });
}

/** Converts a config problem found while building something from the file into a usage error. */
export function fromConfig<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof DwhConfigError) throw new UsageError(err.message);
    throw err;
  }
}
