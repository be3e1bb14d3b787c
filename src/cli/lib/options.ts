/** Value parsers for commander options and the shared look of every command's help. */
import { InvalidArgumentError } from 'commander';

/** A mistake in how a command was called, found after parsing (exit code 2, like commander's own). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses an integer option; commander reports a failure as
 * "option '--concurrency <n>' argument 'x' is invalid. Expected an integer from 1 to 64."
 */
export function integerIn(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  const range =
    min === Number.MIN_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER
      ? 'an integer'
      : max === Number.MAX_SAFE_INTEGER
        ? `an integer ${min} or more`
        : `an integer from ${min} to ${max}`;
  return (text) => {
    const value = /^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(`Expected ${range}.`);
    return value;
  };
}

/** Parses a decimal number option (ranges are checked by whatever uses it). */
export function decimal(text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new InvalidArgumentError('Expected a number.');
  return value;
}

/** The "Examples:" block appended to a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
