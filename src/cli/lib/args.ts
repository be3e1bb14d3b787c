/**
 * Flag parsing for the CLI commands: a declared set of flags, integers checked, and mistakes
 * reported as a UsageError (one line, exit code 2) rather than a stack trace.
 */
import { parseArgs } from 'node:util';

/** A mistake in how the command was called. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  type: 'string' | 'integer' | 'boolean';
  description: string;
  /** Shown in --help after the flag, e.g. DIR. */
  valueName?: string;
  /** For integers: the smallest value accepted. */
  min?: number;
  max?: number;
}

export type FlagSpecs = Record<string, FlagSpec>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : S['type'] extends 'integer' ? number : string;
export type ParsedFlags<F extends FlagSpecs> = { [K in keyof F]?: FlagValue<F[K]> };

export interface ParsedArgs<F extends FlagSpecs> {
  flags: ParsedFlags<F>;
  positionals: string[];
  help: boolean;
}

export function parseCommandArgs<F extends FlagSpecs>(
  argv: string[],
  specs: F,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedArgs<F> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    // node's messages are already specific ("Unknown option '--x'"); keep only the first sentence.
    throw new UsageError(String((err as Error).message).split('\n')[0].split('. ')[0].replace(/\.$/, ''));
  }
  const help = parsed.values.help === true;
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    if (raw === undefined) continue;
    if (spec.type === 'integer') flags[name] = parseInteger(`--${name}`, String(raw), spec);
    else if (spec.type === 'string' && raw === '') throw new UsageError(`--${name} needs a value`);
    else flags[name] = raw;
  }
  if (!help) {
    const count = parsed.positionals.length;
    if (count < positionals.min) throw new UsageError(`missing argument (see --help)`);
    if (count > positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`);
  }
  return { flags: flags as ParsedFlags<F>, positionals: parsed.positionals, help };
}

function parseInteger(flag: string, text: string, spec: FlagSpec): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = spec.max === undefined ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be an integer ${range}, got '${text}'`);
  }
  return value;
}

/** The --help text: usage line, description, then one line per flag. */
export function helpText(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` ${spec.valueName ?? (spec.type === 'integer' ? 'N' : 'VALUE')}`;
    return [`--${name}${value}`, spec.description];
  });
  rows.push(['--help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `usage: ${usage}`,
    '',
    description,
    '',
    'options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}
