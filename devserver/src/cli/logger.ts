/** Leveled log lines on stderr (stdout carries only the listening address), pretty or JSON. */
import { LogFormat, LogLevel } from './args';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFunction = (level: LogLevel, message: string) => void;

export function createLogger(minimum: LogLevel, format: LogFormat, write: (line: string) => void = (line) => process.stderr.write(line)): LogFunction {
  return (level, message) => {
    if (RANK[level] < RANK[minimum]) return;
    const time = new Date().toISOString();
    if (format === 'json') write(`${JSON.stringify({ level, ts: time, msg: message })}\n`);
    else write(`${time} ${level.toUpperCase().padEnd(5)} ${message}\n`);
  };
}
