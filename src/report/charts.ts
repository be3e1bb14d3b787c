/**
 * Charts of the answers: a Vega-Lite spec per question (the answer's rows are its data), compiled
 * to Vega and rendered to SVG in Node by vega's headless View, so the report needs no script to
 * show them. Questions without a spec here are shown as a table only.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Answer } from './analytics';

type ChartSpec = Omit<TopLevelSpec, 'data'>;

const WIDTH = 520;
const BAR_COLOR = '#3b6ea8';

function horizontalBars(label: string, value: string, title: string): ChartSpec {
  return {
    width: WIDTH - 200,
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: {
      y: { field: label, type: 'nominal', sort: null, title: null, axis: { labelLimit: 190 } },
      x: { field: value, type: 'quantitative', title },
      tooltip: [{ field: label }, { field: value }],
    },
  } as ChartSpec;
}

function columns(category: string, categoryTitle: string, value: string, valueTitle: string): ChartSpec {
  return {
    width: WIDTH,
    height: 220,
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: {
      x: { field: category, type: 'ordinal', sort: null, title: categoryTitle, axis: { labelAngle: 0 } },
      y: { field: value, type: 'quantitative', title: valueTitle },
    },
  } as ChartSpec;
}

/** Question (file name) → its chart. */
const CHARTS: Record<string, ChartSpec> = {
  top_songs: horizontalBars('title', 'plays', 'plays'),
  top_artists: horizontalBars('artist', 'plays', 'plays'),
  busiest_locations: horizontalBars('location', 'plays', 'plays'),
  plays_by_hour: columns('hour', 'hour of day (UTC)', 'plays', 'plays'),
  plays_by_weekday: columns('day', 'day of week (UTC)', 'plays', 'plays'),
  plays_per_session: columns('songs_played', 'songs played in the session', 'sessions', 'sessions'),
  session_length: columns('session_length', 'first play to last play', 'sessions', 'sessions'),
  free_vs_paid: {
    width: 260,
    height: 200,
    transform: [{ fold: ['users', 'plays'], as: ['measure', 'count'] }],
    mark: 'bar',
    encoding: {
      column: { field: 'measure', type: 'nominal', title: null, sort: ['users', 'plays'] },
      x: { field: 'level', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      y: { field: 'count', type: 'quantitative', title: null },
      color: { field: 'level', type: 'nominal', scale: { range: ['#9bb7d4', BAR_COLOR] } },
    },
    resolve: { scale: { y: 'independent' } },
  } as ChartSpec,
  upgrades: {
    width: WIDTH,
    height: 200,
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: {
      x: { field: 'upgraded_at', type: 'temporal', timeUnit: 'utcyearmonthdate', title: 'day of the upgrade (UTC)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'users who upgraded' },
    },
  } as ChartSpec,
  user_agents: {
    width: WIDTH - 200,
    mark: 'bar',
    encoding: {
      y: { field: 'browser', type: 'nominal', title: null, sort: '-x' },
      x: { aggregate: 'sum', field: 'plays', type: 'quantitative', title: 'plays' },
      color: { field: 'os', type: 'nominal', title: 'operating system' },
    },
  } as ChartSpec,
  catalog_share: {
    width: 220,
    height: 220,
    transform: [
      { calculate: 'datum.plays_in_catalog', as: 'in the catalog' },
      { calculate: 'datum.plays - datum.plays_in_catalog', as: 'not in the catalog' },
      { fold: ['in the catalog', 'not in the catalog'], as: ['song', 'plays'] },
    ],
    mark: { type: 'arc', innerRadius: 50 },
    encoding: {
      theta: { field: 'plays', type: 'quantitative' },
      color: { field: 'song', type: 'nominal', title: 'played song', scale: { range: [BAR_COLOR, '#d9a441'] } },
    },
  } as ChartSpec,
};

/** The questions that have a chart. */
export function chartedQuestions(): string[] {
  return Object.keys(CHARTS).sort();
}

/** The answer's chart as an SVG document, or undefined when its question has no chart. */
export async function renderChart(answer: Answer): Promise<string | undefined> {
  const spec = CHARTS[answer.name];
  if (spec === undefined) return undefined;
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...spec,
    data: { values: answer.rows },
    config: { font: 'sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
  const view = new View(parse(compile(full).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
