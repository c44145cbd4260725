import { ExpressionError } from "./expression-error.ts";

/** Kinds of lexical tokens. */
export type TokenKind = "number" | "identifier" | "operator" | "lparen" | "rparen" | "comma" | "end";

/** One token: its kind, text, numeric value (numbers), and [start, end) offsets. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/**
 * Split expression text into tokens, ending with an `end` token.
 *
 * Numbers: digits with an optional fraction (`1`, `1.5`, `.5`, `2.`) and optional exponent (`1e-3`,
 * `2.5E+4`); they must be finite. Identifiers: `[A-Za-z_][A-Za-z0-9_]*`. Operators: `+ - * / ^`.
 * Whitespace (space, tab, CR, LF) separates tokens. Anything else is an EXPR_SYNTAX error at its offset.
 */
export function tokenizeExpression(text: string, source?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (i < n && text.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
        let j = i + 1;
        if (j < n && (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45)) j++;
        if (j >= n || !isDigit(text.charCodeAt(j))) {
          throw new ExpressionError("EXPR_SYNTAX", "malformed exponent in number", text, i, source);
        }
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
      if (i < n && isIdentStart(text.charCodeAt(i))) {
        throw new ExpressionError(
          "EXPR_SYNTAX",
          "a number cannot run into a name (write 2*x, not 2x)",
          text,
          i,
          source,
        );
      }
      const literal = text.slice(start, i);
      const value = Number(literal);
      if (!Number.isFinite(value)) {
        throw new ExpressionError("EXPR_SYNTAX", `number '${literal}' is out of range`, text, start, source);
      }
      tokens.push({ kind: "number", text: literal, value, start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: "identifier", text: text.slice(start, i), value: 0, start, end: i });
      continue;
    }
    const ch = text[i];
    let kind: TokenKind | null = null;
    if (ch === "+" || ch === "-" || ch === "*" || ch === "/" || ch === "^") kind = "operator";
    else if (ch === "(") kind = "lparen";
    else if (ch === ")") kind = "rparen";
    else if (ch === ",") kind = "comma";
    if (kind === null) {
      const shown = JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? c));
      throw new ExpressionError("EXPR_SYNTAX", `unexpected character ${shown}`, text, i, source);
    }
    tokens.push({ kind, text: ch, value: 0, start, end: i + 1 });
    i++;
  }
  tokens.push({ kind: "end", text: "", value: 0, start: n, end: n });
  return tokens;
}
