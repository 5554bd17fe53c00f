/**
 * SQL written for SQLite's `?` parameters, with PostgreSQL's `$1, $2, …` instead, so
 * that statement text shared by both dialects is written once. A `?` inside a quoted
 * string or identifier, or in a `--` comment, is left as it is.
 */
export function numberedParameters(text: string): string {
  let out = '';
  let n = 0;
  let quote: "'" | '"' | null = null;
  let comment = false;
  for (const ch of text) {
    if (comment) {
      if (ch === '\n') comment = false;
    } else if (quote !== null) {
      // A doubled quote inside a string closes and reopens it: the state comes out right.
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '-' && out.endsWith('-')) {
      comment = true;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
      continue;
    }
    out += ch;
  }
  return out;
}
