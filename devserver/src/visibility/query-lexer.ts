/**
 * Tokenizer for Temporal's list-filter language (the SQL-like `query` of List/CountWorkflowExecutions).
 * Positions are 0-based character offsets into the query so errors can point at the bad token.
 */
import { VisibilityQueryError } from './query-error';

export type TokenKind = 'identifier' | 'keyword' | 'string' | 'number' | 'operator' | 'punctuation' | 'end';

export interface Token {
  kind: TokenKind;
  /** Keywords are upper-cased; identifiers keep their case (search attribute names are case-sensitive). */
  text: string;
  /** For strings: the unescaped content; for numbers: the numeric value. */
  value?: string | number;
  position: number;
}

const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'STARTS_WITH', 'IS', 'NULL', 'ORDER', 'BY', 'ASC', 'DESC', 'TRUE', 'FALSE',
]);

const OPERATORS = ['!=', '<>', '>=', '<=', '=', '>', '<'];

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index];
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const start = index;
    if (char === "'" || char === '"') {
      const { text, end } = readQuoted(query, index, char);
      tokens.push({ kind: 'string', text: query.slice(start, end), value: text, position: start });
      index = end;
      continue;
    }
    if (char === '`') {
      const close = query.indexOf('`', index + 1);
      if (close < 0) throw new VisibilityQueryError(`unterminated \`quoted\` name starting at position ${start}`);
      const name = query.slice(index + 1, close);
      if (!name) throw new VisibilityQueryError(`empty \`quoted\` name at position ${start}`);
      tokens.push({ kind: 'identifier', text: name, position: start });
      index = close + 1;
      continue;
    }
    const numberMatch = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(query.slice(index));
    if (numberMatch && (char !== '-' || startsOperand(tokens))) {
      tokens.push({ kind: 'number', text: numberMatch[0], value: Number(numberMatch[0]), position: start });
      index += numberMatch[0].length;
      continue;
    }
    const wordMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(index));
    if (wordMatch) {
      const upper = wordMatch[0].toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'keyword', text: upper, position: start });
      else tokens.push({ kind: 'identifier', text: wordMatch[0], position: start });
      index += wordMatch[0].length;
      continue;
    }
    const operator = OPERATORS.find((op) => query.startsWith(op, index));
    if (operator) {
      tokens.push({ kind: 'operator', text: operator === '<>' ? '!=' : operator, position: start });
      index += operator.length;
      continue;
    }
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punctuation', text: char, position: start });
      index++;
      continue;
    }
    throw new VisibilityQueryError(`unexpected character '${char}' at position ${start}`);
  }
  tokens.push({ kind: 'end', text: 'end of query', position: query.length });
  return tokens;
}

/** A leading '-' is a sign only where a value may start (after an operator, '(' or ','), never after a name. */
function startsOperand(tokens: Token[]): boolean {
  const previous = tokens[tokens.length - 1];
  if (!previous) return true;
  return previous.kind === 'operator' || previous.kind === 'keyword' || (previous.kind === 'punctuation' && previous.text !== ')');
}

/** SQL style: a doubled quote stands for one; backslash escapes the next character (as vitess' parser accepts). */
function readQuoted(query: string, start: number, quote: string): { text: string; end: number } {
  let text = '';
  let index = start + 1;
  while (index < query.length) {
    const char = query[index];
    if (char === '\\' && index + 1 < query.length) {
      text += unescape(query[index + 1]);
      index += 2;
      continue;
    }
    if (char === quote) {
      if (query[index + 1] === quote) {
        text += quote;
        index += 2;
        continue;
      }
      return { text, end: index + 1 };
    }
    text += char;
    index++;
  }
  throw new VisibilityQueryError(`unterminated string starting at position ${start}`);
}

function unescape(char: string): string {
  switch (char) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    default:
      return char;
  }
}
