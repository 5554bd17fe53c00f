/** `count` CSV rows (phone,name) of distinct valid US numbers, from +1 415 200 0000 + `from` on. */
export function rows(count: number, from = 0): string {
  let text = '';
  for (let n = from; n < from + count; n++) text += `+1415${2_000_000 + n},Lead ${n}\n`;
  return text;
}

/** A file's text arriving in these parts; an Error part makes the source fail there. */
export async function* chunks(...parts: (string | Error)[]): AsyncGenerator<string> {
  for (const part of parts) {
    if (part instanceof Error) throw part;
    yield part;
  }
}
