/** The field delimiters a spreadsheet export uses: Excel writes `;` where `,` is the decimal mark. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** How a delimiter is named in messages: a tab is invisible. */
export function delimiterName(delimiter: CsvDelimiter): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}

/**
 * Picks the delimiter of a CSV file from the start of its text: the candidate found
 * most often outside quotes in the first line (the header). Commas win ties, and a
 * one-column file (no candidate at all) reads as comma-separated.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char as CsvDelimiter)) {
      counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
    }
  }
  let best: CsvDelimiter = ',';
  for (const delimiter of CSV_DELIMITERS) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(best) ?? 0)) best = delimiter;
  }
  return best;
}

/** Why a file cannot be read as UTF-8 text, judged from its first bytes; null when it can. */
export function unreadableEncoding(firstBytes: Uint8Array): string | null {
  const [a, b] = firstBytes;
  // Excel's "Unicode text" and some exports write UTF-16 with a byte-order mark.
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    return 'the file is UTF-16 text; save it as "CSV UTF-8" and import it again';
  }
  return null;
}
