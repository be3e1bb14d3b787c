import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';

/** The repository's sql/ directory; every statement the pipeline runs lives there. */
export const SQL_ROOT = path.resolve(__dirname, '..', '..', 'sql');

const cache = new Map<string, string>();
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Values substituted for `{{name}}` placeholders: identifiers only, never data. */
export type SqlIdentifiers = Record<string, string>;

/**
 * Values for `{{name:literal}}` (a quoted string) and `{{name:integer}}` placeholders, for the few
 * statements that cannot take bound parameters (Redshift's COPY options, statements run in a
 * Data API batch). Literals are one line of text, quoted with '' doubling.
 */
export interface SqlValues {
  literals?: Record<string, string>;
  integers?: Record<string, number>;
  /** `{{name:rows}}`: a VALUES list, each row's text quoted as a literal, integers as they are, null as NULL. */
  rows?: Record<string, SqlRow[]>;
}

export type SqlRow = Array<string | number | null>;

function readSqlFile(relative: string): string {
  let text = cache.get(relative);
  if (text === undefined) {
    const file = path.join(SQL_ROOT, relative);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw ApplicationFailure.create({
        message: `SQL file sql/${relative} cannot be read: ${(err as Error).message}`,
        type: 'SqlFileMissing',
        nonRetryable: true,
      });
    }
    cache.set(relative, text);
  }
  return text;
}

function invalid(relative: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ message: `SQL file sql/${relative} ${message}`, type: 'SqlFileInvalid', nonRetryable: true });
}

function quoted(relative: string, name: string, literal: string | undefined): string {
  if (literal === undefined || /[\r\n\0]/.test(literal)) throw invalid(relative, `needs one-line text for {{${name}}}, got ${literal === undefined ? 'none' : JSON.stringify(literal)}`);
  return `'${literal.replace(/'/g, "''")}'`;
}

function integral(relative: string, name: string, integer: number | undefined): string {
  if (integer === undefined || !Number.isSafeInteger(integer)) throw invalid(relative, `needs an integer for {{${name}}}, got ${integer === undefined ? 'none' : String(integer)}`);
  return String(integer);
}

function valuesList(relative: string, name: string, rows: SqlRow[] | undefined): string {
  if (rows === undefined || rows.length === 0) throw invalid(relative, `needs at least one row for {{${name}:rows}}`);
  const field = (value: string | number | null): string => (value === null ? 'NULL' : typeof value === 'number' ? integral(relative, `${name}:rows`, value) : quoted(relative, `${name}:rows`, value));
  return rows.map((row) => `(${row.map(field).join(', ')})`).join(', ');
}

function substitute(relative: string, text: string, identifiers: SqlIdentifiers, values: SqlValues = {}): string {
  return text.replace(/\{\{(\w+)(?::(literal|integer|rows))?\}\}/g, (_, name: string, kind: string | undefined) => {
    if (kind === 'literal') return quoted(relative, `${name}:literal`, values.literals?.[name]);
    if (kind === 'integer') return integral(relative, `${name}:integer`, values.integers?.[name]);
    if (kind === 'rows') return valuesList(relative, name, values.rows?.[name]);
    const value = identifiers[name];
    if (value === undefined || !IDENTIFIER.test(value)) {
      throw ApplicationFailure.create({
        message: `SQL file sql/${relative} needs identifier {{${name}}}, got ${value === undefined ? 'none' : JSON.stringify(value)}`,
        type: 'SqlFileInvalid',
        nonRetryable: true,
      });
    }
    return value;
  });
}

/** Removes `--` comments, so splitting on `;` and detecting empty files stay simple. */
function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
}

/**
 * The statements of one SQL file, in order. Statements end with `;` at the end of a line; the
 * project's SQL files keep string literals free of `;` and `--` so this split is exact.
 */
export function sqlStatements(relative: string, identifiers: SqlIdentifiers = {}, values?: SqlValues): string[] {
  const text = substitute(relative, stripComments(readSqlFile(relative)), identifiers, values);
  return text
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

/** Whether sql/<relative> exists (for files a dialect may or may not have). */
export function sqlFileExists(relative: string): boolean {
  return cache.has(relative) || fs.existsSync(path.join(SQL_ROOT, relative));
}

/** A SQL file that must hold exactly one statement. */
export function sqlStatement(relative: string, identifiers: SqlIdentifiers = {}): string {
  const statements = sqlStatements(relative, identifiers);
  if (statements.length !== 1) {
    throw ApplicationFailure.create({
      message: `SQL file sql/${relative} must hold exactly one statement, it holds ${statements.length}`,
      type: 'SqlFileInvalid',
      nonRetryable: true,
    });
  }
  return statements[0];
}

/** The names (without `.sql`) of the SQL files directly in sql/<folder>, in byte order. */
export function sqlFileNames(folder: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.join(SQL_ROOT, folder));
  } catch (err) {
    throw ApplicationFailure.create({
      message: `SQL folder sql/${folder} cannot be read: ${(err as Error).message}`,
      type: 'SqlFileMissing',
      nonRetryable: true,
    });
  }
  return entries
    .filter((name) => name.endsWith('.sql'))
    .map((name) => name.slice(0, -'.sql'.length))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** The text of a file's first line when it is a `--` comment (a check's or question's statement), else ''. */
export function sqlFileTitle(relative: string): string {
  const first = readSqlFile(relative).split('\n', 1)[0];
  return first.startsWith('--') ? first.replace(/^--\s*/, '').trim() : '';
}
