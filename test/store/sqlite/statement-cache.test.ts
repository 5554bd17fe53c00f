import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStatementCache } from '../../../src/store/sqlite/statement-cache.js';

let connection: SQLite.Database;
beforeEach(() => {
  connection = new SQLite(':memory:');
});
afterEach(() => {
  if (connection.open) connection.close();
});

describe('createStatementCache', () => {
  it('hands out the same prepared statement for the same SQL text', () => {
    const cache = createStatementCache(connection);
    const first = cache.prepare('select 1 as one');
    expect(cache.prepare('select 1 as one')).toBe(first);
    expect(first.all([])).toEqual([{ one: 1 }]);
  });

  it('prepares again once a statement was evicted as the oldest beyond the bound', () => {
    const cache = createStatementCache(connection, 2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    cache.prepare('select 3');
    expect(cache.prepare('select 2')).toBe(b);
    expect(cache.prepare('select 1')).not.toBe(a);
  });

  it('closes the connection it wraps', () => {
    createStatementCache(connection).close();
    expect(connection.open).toBe(false);
  });
});
