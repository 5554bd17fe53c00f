/**
 * Which constraint a failed write broke, from the driver's error: better-sqlite3 names
 * it (`SQLITE_CONSTRAINT_UNIQUE`), pg gives PostgreSQL's SQLSTATE (`23505`).
 */
function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * Whether `error` is a unique violation, on SQLite or PostgreSQL (where a duplicate
 * primary key is one too; SQLite tells that apart as SQLITE_CONSTRAINT_PRIMARYKEY).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Whether `error` is a foreign key violation, on SQLite or PostgreSQL. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
