// Module resolve hooks (see record-imports.mjs): each resolved URL, one a line.
import { appendFileSync } from 'node:fs';

const log = process.env.DIALSTATE_IMPORT_LOG;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
