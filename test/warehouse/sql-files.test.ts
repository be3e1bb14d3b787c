/** The SQL layout: one create file per table and dialect, portable transforms, safe placeholders. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SQL_ROOT, sqlFileNames, sqlFileTitle, sqlStatement, sqlStatements } from '../../src/warehouse/sql-files';
import { ALL_TABLES, STAR_TABLES } from '../../src/warehouse/tables';

it.each(['postgres', 'redshift'])('has a %s create file per table that drops then creates it', (dialect) => {
  expect(fs.readdirSync(path.join(SQL_ROOT, dialect, 'create')).sort()).toEqual(ALL_TABLES.map((t) => `${t}.sql`).sort());
  for (const table of ALL_TABLES) {
    const statements = sqlStatements(`${dialect}/create/${table}.sql`);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toBe(`DROP TABLE IF EXISTS ${table}`);
    expect(statements[1]).toMatch(new RegExp(`^CREATE (UNLOGGED )?TABLE ${table} \\(`));
  }
});

it('gives every star table a primary key, and Redshift its distribution and sort keys', () => {
  for (const table of STAR_TABLES) {
    expect(sqlStatements(`postgres/create/${table}.sql`)[1]).toContain('PRIMARY KEY');
    expect(sqlStatements(`redshift/create/${table}.sql`)[1]).toMatch(/DISTSTYLE ALL|DISTKEY/);
    expect(sqlStatements(`redshift/create/${table}.sql`)[1]).toContain('SORTKEY');
  }
  expect(sqlStatements('redshift/create/songplays.sql')[1]).toContain('IDENTITY');
});

it('makes only the star tables UNLOGGED for a warehouse removed with its run (PostgreSQL)', () => {
  expect(sqlStatements('postgres/run_scoped/star_tables.sql').sort()).toEqual(STAR_TABLES.map((t) => `ALTER TABLE ${t} SET UNLOGGED`).sort());
});

it('writes each transform once, in SQL both PostgreSQL and Redshift run: clear, then INSERT … SELECT', () => {
  for (const table of STAR_TABLES) {
    const statements = sqlStatements(`transforms/${table}.sql`);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toBe(`DELETE FROM ${table}`);
    expect(statements[1]).toMatch(new RegExp(`^INSERT INTO ${table} \\(`));
    const text = statements.join('\n').toUpperCase();
    expect(text).not.toContain('DISTINCT ON');
    expect(text).not.toContain('ON CONFLICT');
    expect(text).not.toContain('::');
  }
});

it('writes each quality check as one portable statement of the shared shape, led by what it requires', () => {
  const checks = sqlFileNames('checks');
  expect(checks.length).toBeGreaterThanOrEqual(14);
  for (const check of checks) {
    const statement = sqlStatement(`checks/${check}.sql`);
    expect(sqlFileTitle(`checks/${check}.sql`)).not.toBe('');
    expect(statement).toMatch(/^WITH /);
    expect(statement).toMatch(/\nSELECT total\.offending_rows, sample\.example\n/);
    expect(statement).toMatch(/LIMIT 5\n/);
    expect(statement).not.toContain('::');
    expect(statement.toUpperCase()).not.toMatch(/DISTINCT ON|ILIKE|FILTER \(/);
  }
});

it('substitutes only plain identifiers into placeholders', () => {
  expect(sqlStatement('postgres/schema/create.sql', { schema: 'sparkify_a1' })).toBe('CREATE SCHEMA IF NOT EXISTS sparkify_a1');
  expect(() => sqlStatement('postgres/schema/create.sql', { schema: 'x; DROP TABLE users' })).toThrow(/needs identifier \{\{schema\}\}/);
  expect(() => sqlStatement('postgres/schema/create.sql')).toThrow(/needs identifier/);
  expect(() => sqlStatement('transforms/users.sql')).toThrow(/exactly one statement, it holds 2/);
  expect(() => sqlStatements('no/such/file.sql')).toThrow(/sql\/no\/such\/file.sql cannot be read/);
});
