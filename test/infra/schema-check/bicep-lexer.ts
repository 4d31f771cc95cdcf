/**
 * Tokens of the Bicep a person writes in infra/: identifiers, strings (with `${}` interpolation
 * and `'''` multi-line strings), numbers, punctuation and the newlines that separate statements
 * and object properties. Comments are dropped.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** A string's value when it has no interpolation; undefined when it has. */
  value?: string;
  line: number;
  column: number;
  start: number;
  end: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const TWO_CHAR = new Set(['==', '!=', '<=', '>=', '&&', '||', '??', '=~', '!~', '::', '?.', '.?']);
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string, startLine = line, startColumn = start - lineStart) => {
    tokens.push({ kind, text: text.slice(start, end), value, line: startLine, column: startColumn, start, end });
  };
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (pos < text.length) {
    const c = text[pos] as string;
    if (c === '\n') {
      if (tokens.at(-1)?.kind !== 'newline') push('newline', pos, pos + 1);
      newline(pos);
      pos++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      pos++;
    } else if (text.startsWith('//', pos)) {
      while (pos < text.length && text[pos] !== '\n') pos++;
    } else if (text.startsWith('/*', pos)) {
      const end = text.indexOf('*/', pos + 2);
      if (end < 0) throw new LexError('unterminated /* comment', line);
      for (let i = pos; i < end; i++) if (text[i] === '\n') newline(i);
      pos = end + 2;
    } else if (text.startsWith("'''", pos)) {
      const end = text.indexOf("'''", pos + 3);
      if (end < 0) throw new LexError("unterminated ''' string", line);
      const startLine = line;
      const startColumn = pos - lineStart;
      for (let i = pos; i < end; i++) if (text[i] === '\n') newline(i);
      // A multi-line string drops one newline right after its opening quotes.
      push('string', pos, end + 3, text.slice(pos + 3, end).replace(/^\r?\n/, ''), startLine, startColumn);
      pos = end + 3;
    } else if (c === "'") {
      const { end, value } = scanString(text, pos, line);
      push('string', pos, end, value);
      pos = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let end = pos + 1;
      while (end < text.length && /\w/.test(text[end] as string)) end++;
      push('ident', pos, end);
      pos = end;
    } else if (/[0-9]/.test(c)) {
      let end = pos + 1;
      while (end < text.length && /[0-9.]/.test(text[end] as string)) end++;
      push('number', pos, end);
      pos = end;
    } else {
      const two = text.slice(pos, pos + 2);
      const width = TWO_CHAR.has(two) ? 2 : 1;
      push('punct', pos, pos + width);
      pos += width;
    }
  }
  push('eof', pos, pos);
  return tokens;
}

/** A single-quoted string from its opening quote: where it ends, and its value unless interpolated. */
function scanString(text: string, start: number, line: number): { end: number; value: string | undefined } {
  let pos = start + 1;
  let value = '';
  let interpolated = false;
  while (pos < text.length) {
    const c = text[pos] as string;
    if (c === '\n') throw new LexError('unterminated string', line);
    if (c === "'") return { end: pos + 1, value: interpolated ? undefined : value };
    if (c === '\\') {
      const next = text[pos + 1] ?? '';
      if (next === 'u' && text[pos + 2] === '{') {
        const close = text.indexOf('}', pos);
        value += String.fromCodePoint(parseInt(text.slice(pos + 3, close), 16));
        pos = close + 1;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) throw new LexError(`unknown escape \\${next} in a string`, line);
      value += escaped;
      pos += 2;
    } else if (c === '$' && text[pos + 1] === '{') {
      interpolated = true;
      pos = skipInterpolation(text, pos + 2, line);
    } else {
      value += c;
      pos++;
    }
  }
  throw new LexError('unterminated string', line);
}

/** From just inside `${`, past its closing `}` (nested braces and strings included). */
function skipInterpolation(text: string, start: number, line: number): number {
  let depth = 1;
  let pos = start;
  while (pos < text.length) {
    const c = text[pos];
    if (c === "'") pos = scanString(text, pos, line).end;
    else {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return pos + 1;
      pos++;
    }
  }
  throw new LexError('unterminated ${ in a string', line);
}
