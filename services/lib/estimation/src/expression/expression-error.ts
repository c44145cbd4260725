import { EstimationError } from "../errors/estimation-error.ts";

/** Stable codes of {@link ExpressionError}. */
export type ExpressionErrorCode = "EXPR_SYNTAX" | "EXPR_UNKNOWN_IDENTIFIER" | "EXPR_UNKNOWN_FUNCTION" | "EXPR_ARITY";

/** Where in the expression text an error is: 0-based offset, 1-based line and column. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Compute the 1-based line and column of a 0-based offset in `text`. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/** The line holding `position` and a caret under its column, for error messages. */
export function caretExcerpt(text: string, position: TextPosition): string {
  const lineStart = position.offset - (position.column - 1);
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd).replace(/\t/g, " ");
  return `  ${line}\n  ${" ".repeat(position.column - 1)}^`;
}

/**
 * A model expression could not be parsed or bound: bad syntax, an identifier that is not a declared
 * state/input/parameter or constant, a function outside the whitelist, or a wrong argument count.
 *
 * Carries a stable `code`, the `position` (offset, line, column) in `text`, and — when the expression came
 * from a declaration — the `source` it came from (e.g. "dynamics.omega"). The message ends with the
 * offending line and a caret, so a twin-definition author sees exactly where the problem is.
 */
export class ExpressionError extends EstimationError {
  readonly code: ExpressionErrorCode;
  readonly position: TextPosition;
  readonly text: string;
  readonly source: string | undefined;
  /** The problem without position or excerpt, e.g. "unknown function 'sinh2'". */
  readonly detail: string;

  constructor(code: ExpressionErrorCode, detail: string, text: string, offset: number, source?: string) {
    const position = positionOf(text, offset);
    const where = `line ${position.line}, column ${position.column}`;
    super(
      `${source !== undefined ? `${source}: ` : ""}${detail} (${code}) at ${where}\n${caretExcerpt(text, position)}`,
    );
    this.name = "ExpressionError";
    this.code = code;
    this.position = position;
    this.text = text;
    this.source = source;
    this.detail = detail;
  }

  /** The same error attributed to a declaration field, e.g. "dynamics.omega". */
  withSource(source: string): ExpressionError {
    return new ExpressionError(this.code, this.detail, this.text, this.position.offset, source);
  }
}
