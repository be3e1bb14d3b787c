/** The report as one HTML page: headline figures, then per question its chart (inline SVG) and its table. */
import type { Answer, Cell } from './analytics';

/** One figure the report leads with (and the terminal prints). */
export interface Headline {
  label: string;
  value: string;
}

export interface ReportPage {
  title: string;
  answers: Answer[];
  /** Question name → SVG document. */
  charts: Map<string, string>;
  headlines: Headline[];
  /** Where the answers came from, for the page's footer. */
  source: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function cell(value: Cell): string {
  return value === null ? '<td class="null">—</td>' : typeof value === 'number' ? `<td class="num">${value}</td>` : `<td>${escapeHtml(value)}</td>`;
}

function table(answer: Answer): string {
  const head = answer.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = answer.rows.map((row) => `<tr>${answer.columns.map((c) => cell(row[c])).join('')}</tr>`).join('\n');
  const empty = answer.rows.length === 0 ? `<tr><td colspan="${answer.columns.length}" class="null">no rows</td></tr>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}${empty}\n</tbody></table>`;
}

/** An SVG document without its XML prolog, to sit inside the page. */
function inline(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

const STYLE = `
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; }
dl.headlines { display: grid; grid-template-columns: max-content 1fr; gap: 0.3em 1.5em; background: #f3f6fa; padding: 1em; border-radius: 6px; }
dl.headlines dt { font-weight: bold; }
dl.headlines dd { margin: 0; }
section { margin-top: 2.5em; }
section .body { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
figure.chart { margin: 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.null { color: #999; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
`;

export function reportHtml(page: ReportPage): string {
  const headlines = page.headlines.map((h) => `<dt>${escapeHtml(h.label)}</dt><dd>${escapeHtml(h.value)}</dd>`).join('\n');
  const sections = page.answers.map((answer) => {
    const svg = page.charts.get(answer.name);
    const chart = svg === undefined ? '' : `<figure class="chart" data-question="${escapeHtml(answer.name)}">${inline(svg)}</figure>`;
    return [
      `<section id="${escapeHtml(answer.name)}">`,
      `<h2>${escapeHtml(answer.question)}</h2>`,
      `<div class="body">${chart}${table(answer)}</div>`,
      `</section>`,
    ].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<dl class="headlines">\n${headlines}\n</dl>`,
    ...sections,
    `<footer>Answers from ${escapeHtml(page.source)}; one question per file in sql/analytics/.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
