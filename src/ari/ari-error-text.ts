/** Longest error text kept from an answer's body (characters). */
export const MAX_ERROR_TEXT = 200;

/**
 * A short, readable error from the body of a failed HTTP answer: ARI's JSON
 * `{"message": …}` when it is that, else the first line of the body's text with any
 * HTML stripped (Asterisk's HTTP server answers some errors, a 503 while it shuts down
 * among them, with a whole HTML page), cut to {@link MAX_ERROR_TEXT} characters. It is
 * stored as a lead's last error, so it must never be a page.
 */
export function shortErrorText(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const { message } = body as { message: unknown };
    if (typeof message === 'string') return clip(firstLine(message));
  }
  if (typeof body !== 'string' || body.trim() === '') return 'no message';
  const text = looksLikeHtml(body) ? stripHtml(body) : body;
  return clip(firstLine(text)) || 'no message';
}

function looksLikeHtml(text: string): boolean {
  return /<\/?[a-z!][^>]*>/i.test(text);
}

function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .find((line) => line !== '') ?? ''
  );
}

function clip(text: string): string {
  return text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT - 1)}…`;
}
