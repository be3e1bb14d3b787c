/**
 * Recursive-descent parser for the list-filter language: predicates joined by AND/OR (AND binds tighter,
 * as in SQL), parentheses, and an optional trailing ORDER BY.
 */
import { VisibilityQueryError } from './query-error';
import { Token, tokenize } from './query-lexer';

export type Literal =
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'boolean'; value: boolean; position: number };

export interface FieldRef {
  name: string;
  position: number;
}

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

export type Expression =
  | { type: 'and' | 'or'; left: Expression; right: Expression }
  | { type: 'compare'; field: FieldRef; operator: ComparisonOperator; value: Literal }
  | { type: 'in'; field: FieldRef; negated: boolean; values: Literal[] }
  | { type: 'between'; field: FieldRef; negated: boolean; low: Literal; high: Literal }
  | { type: 'startsWith'; field: FieldRef; negated: boolean; prefix: Literal }
  | { type: 'isNull'; field: FieldRef; negated: boolean };

export interface OrderTerm {
  field: FieldRef;
  descending: boolean;
}

export interface ParsedQuery {
  /** Absent for an empty filter (everything matches). */
  where?: Expression;
  orderBy: OrderTerm[];
}

export function parseVisibilityQuery(query: string): ParsedQuery {
  return new Parser(tokenize(query)).parseQuery();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): ParsedQuery {
    let where: Expression | undefined;
    if (!this.atKeyword('ORDER') && this.peek().kind !== 'end') where = this.parseOr();
    const orderBy = this.atKeyword('ORDER') ? this.parseOrderBy() : [];
    const rest = this.peek();
    if (rest.kind !== 'end') throw unexpected(rest, 'AND, OR, ORDER BY or the end of the query');
    return { where, orderBy };
  }

  private parseOr(): Expression {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { type: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parsePrimary();
    while (this.acceptKeyword('AND')) left = { type: 'and', left, right: this.parsePrimary() };
    return left;
  }

  private parsePrimary(): Expression {
    if (this.acceptPunctuation('(')) {
      const inner = this.parseOr();
      this.expectPunctuation(')');
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expression {
    const field = this.parseField();
    const token = this.peek();
    if (token.kind === 'operator') {
      this.index++;
      return { type: 'compare', field, operator: token.text as ComparisonOperator, value: this.parseLiteral() };
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return { type: 'isNull', field, negated };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expectPunctuation('(');
      const values = [this.parseLiteral()];
      while (this.acceptPunctuation(',')) values.push(this.parseLiteral());
      this.expectPunctuation(')');
      return { type: 'in', field, negated, values };
    }
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.parseLiteral();
      this.expectKeyword('AND');
      return { type: 'between', field, negated, low, high: this.parseLiteral() };
    }
    if (this.acceptKeyword('STARTS_WITH')) {
      return { type: 'startsWith', field, negated, prefix: this.parseLiteral() };
    }
    const expected = negated
      ? `IN, BETWEEN or STARTS_WITH after '${field.name} NOT'`
      : `an operator (= != > >= < <= IN BETWEEN STARTS_WITH IS) after '${field.name}'`;
    throw unexpected(this.peek(), expected);
  }

  private parseOrderBy(): OrderTerm[] {
    this.expectKeyword('ORDER');
    this.expectKeyword('BY');
    const terms: OrderTerm[] = [];
    do {
      const field = this.parseField();
      let descending = false;
      if (this.acceptKeyword('DESC')) descending = true;
      else this.acceptKeyword('ASC');
      terms.push({ field, descending });
    } while (this.acceptPunctuation(','));
    return terms;
  }

  private parseField(): FieldRef {
    const token = this.peek();
    if (token.kind !== 'identifier') throw unexpected(token, 'a search attribute name');
    this.index++;
    return { name: token.text, position: token.position };
  }

  private parseLiteral(): Literal {
    const token = this.peek();
    this.index++;
    if (token.kind === 'string') return { kind: 'string', value: token.value as string, position: token.position };
    if (token.kind === 'number') return { kind: 'number', value: token.value as number, position: token.position };
    if (token.kind === 'keyword' && (token.text === 'TRUE' || token.text === 'FALSE')) {
      return { kind: 'boolean', value: token.text === 'TRUE', position: token.position };
    }
    this.index--;
    throw unexpected(token, 'a value (quoted string, number, true or false)');
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private atKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.text === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.atKeyword(word)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw unexpected(this.peek(), word);
  }

  private acceptPunctuation(char: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.text !== char) return false;
    this.index++;
    return true;
  }

  private expectPunctuation(char: string): void {
    if (!this.acceptPunctuation(char)) throw unexpected(this.peek(), `'${char}'`);
  }
}

function unexpected(token: Token, expected: string): VisibilityQueryError {
  const found = token.kind === 'end' ? 'end of query' : `'${token.text}'`;
  return new VisibilityQueryError(`expected ${expected} but found ${found} at position ${token.position}`);
}
