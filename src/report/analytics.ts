/**
 * The analysts' questions: one per file in sql/analytics/ (its first line, a comment, is the
 * question), run against a finished warehouse. Answers are plain rows keyed by column name.
 */
import type { Client } from 'pg';
import { sqlFileNames, sqlFileTitle, sqlStatement } from '../warehouse/sql-files';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface Answer {
  /** The question's file name without `.sql`. */
  name: string;
  question: string;
  columns: string[];
  rows: Row[];
}

/** PostgreSQL type ids (Redshift reports the same ones) whose values are numbers: int2/4/8, float4/8, numeric. */
const NUMERIC_TYPES = new Set([20, 21, 23, 700, 701, 1700]);

export function analyticsQuestions(): Array<{ name: string; question: string }> {
  return sqlFileNames('analytics').map((name) => ({ name, question: sqlFileTitle(`analytics/${name}.sql`) }));
}

/** Every question's answer, in file-name order, on `client` (search_path set to the warehouse's schema). */
export async function answerQuestions(client: Client): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const { name, question } of analyticsQuestions()) {
    const result = await client.query(sqlStatement(`analytics/${name}.sql`));
    const numeric = new Set(result.fields.filter((f) => NUMERIC_TYPES.has(f.dataTypeID)).map((f) => f.name));
    const rows = result.rows.map((row: Record<string, unknown>) => {
      const out: Row = {};
      for (const { name: column } of result.fields) {
        const value = row[column];
        out[column] = value === null || value === undefined ? null : numeric.has(column) ? Number(value) : String(value);
      }
      return out;
    });
    answers.push({ name, question, columns: result.fields.map((f) => f.name), rows });
  }
  return answers;
}
