import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Most distinct SQL texts kept prepared; the app issues far fewer than this. */
const DEFAULT_MAX_STATEMENTS = 1000;

/**
 * Wraps a better-sqlite3 connection for Kysely's `SqliteDialect`, reusing prepared
 * statements by SQL text.
 *
 * Kysely prepares every query again each time it runs. Preparing costs about as much
 * as running a small statement, and the attempt journal runs the same few statements
 * for every call event: without the cache its commits take close to twice as long.
 *
 * Reusing a statement is safe here because Kysely's SQLite driver runs one query at a
 * time on its single connection, so a cached statement is never busy when it is handed
 * out again. Statements survive schema changes: SQLite re-prepares them itself.
 */
export function createStatementCache(
  connection: SQLite.Database,
  maxStatements: number = DEFAULT_MAX_STATEMENTS,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        // Evicts the oldest entry: query texts come from a fixed set of call sites, so
        // the bound only matters if something builds SQL from varying data.
        if (statements.size >= maxStatements) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      connection.close();
    },
  };
}
