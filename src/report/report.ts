/**
 * The analysts' report of a finished warehouse: every question of sql/analytics/ answered, written
 * as DIR/report.html (self-contained: tables and inline SVG charts, no script, readable offline),
 * DIR/report.json (every question's rows keyed by its file name) and DIR/<question>.csv.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { WarehouseHandle } from '../contract';
import { withWarehouse } from '../warehouse/connection';
import { answerQuestions, type Answer, type Cell } from './analytics';
import { renderChart } from './charts';
import { reportHtml, type Headline } from './html';

export interface WrittenReport {
  directory: string;
  /** Files written, relative to the directory. */
  files: string[];
  /** In the page's order. */
  answers: Answer[];
  headlines: Headline[];
  /** Time to query the warehouse and to render and write the files. */
  queryMs: number;
  renderMs: number;
}

/** The order the page tells the story in; questions not listed follow by file name. */
const PAGE_ORDER = [
  'catalog_share', 'top_songs', 'top_artists', 'plays_by_hour', 'plays_by_weekday', 'free_vs_paid', 'upgrades',
  'busiest_locations', 'session_summary', 'plays_per_session', 'session_length', 'user_agents',
];

function pageOrder(answers: Answer[]): Answer[] {
  const rank = (a: Answer) => (PAGE_ORDER.includes(a.name) ? PAGE_ORDER.indexOf(a.name) : PAGE_ORDER.length);
  return [...answers].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function answerOf(answers: Answer[], name: string): Answer | undefined {
  return answers.find((a) => a.name === name);
}

function first(answers: Answer[], name: string): Record<string, Cell> | undefined {
  return answerOf(answers, name)?.rows[0];
}

function busiest(answers: Answer[], name: string, label: string): string | undefined {
  const rows = answerOf(answers, name)?.rows ?? [];
  if (rows.length === 0) return undefined;
  const top = rows.reduce((best, row) => (Number(row.plays) > Number(best.plays) ? row : best));
  return `${top[label]} (${top.plays} plays)`;
}

/** The figures the terminal prints and the report leads with; a question with no rows gives none. */
export function headlines(answers: Answer[]): Headline[] {
  const out: Headline[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined) out.push({ label, value });
  };
  const share = first(answers, 'catalog_share');
  if (share) add('plays', `${share.plays} (${share.percent_in_catalog ?? 0}% of a song in the catalog)`);
  const levels = answerOf(answers, 'free_vs_paid')?.rows ?? [];
  if (levels.length > 0) add('users by level', levels.map((r) => `${r.level} ${r.users} (${r.plays} plays)`).join(', '));
  const upgrades = answerOf(answers, 'upgrades');
  if (upgrades) add('users who upgraded', String(upgrades.rows.length));
  const song = first(answers, 'top_songs');
  if (song) add('most played song', `${song.title} by ${song.artist} (${song.plays} plays)`);
  const artist = first(answers, 'top_artists');
  if (artist) add('most played artist', `${artist.artist} (${artist.plays} plays)`);
  add('busiest hour (UTC)', busiest(answers, 'plays_by_hour', 'hour'));
  add('busiest weekday', busiest(answers, 'plays_by_weekday', 'day'));
  const location = first(answers, 'busiest_locations');
  if (location) add('busiest location', `${location.location} (${location.plays} plays)`);
  const sessions = first(answers, 'session_summary');
  if (sessions) add('sessions', `${sessions.sessions}: ${sessions.average_songs} songs and ${sessions.average_minutes} min on average`);
  const agent = first(answers, 'user_agents');
  if (agent) add('top browser / OS', `${agent.browser} on ${agent.os} (${agent.plays} plays)`);
  return out;
}

export function answerCsv(answer: Answer): string {
  return stringify(
    answer.rows.map((row) => answer.columns.map((c) => row[c])),
    { header: true, columns: answer.columns, cast: { number: (n) => String(n) } },
  );
}

/** The report's JSON: every question's rows keyed by its file name. */
export function answersJson(answers: Answer[]): string {
  const byName = Object.fromEntries(answers.map((a) => [a.name, { question: a.question, columns: a.columns, rows: a.rows }]));
  return JSON.stringify(byName, null, 2) + '\n';
}

/** Answers every question in `warehouse` and writes the report files into `directory` (created if missing). */
export async function writeReport(warehouse: WarehouseHandle, directory: string, title = 'Sparkify listening report'): Promise<WrittenReport> {
  const started = Date.now();
  const answers = pageOrder(await withWarehouse(warehouse, `answering the report's questions in ${warehouse.schema}`, answerQuestions));
  const queried = Date.now();
  const tops = headlines(answers);
  const charts = new Map<string, string>();
  for (const answer of answers) {
    const svg = await renderChart(answer);
    if (svg !== undefined) charts.set(answer.name, svg);
  }
  await fs.mkdir(directory, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, text: string) => {
    await fs.writeFile(path.join(directory, name), text);
    files.push(name);
  };
  await write('report.html', reportHtml({ title, answers, charts, headlines: tops, source: `${warehouse.provider} schema ${warehouse.schema}` }));
  await write('report.json', answersJson(answers));
  for (const answer of answers) await write(`${answer.name}.csv`, answerCsv(answer));
  return { directory, files, answers, headlines: tops, queryMs: queried - started, renderMs: Date.now() - queried };
}
