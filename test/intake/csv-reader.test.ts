import { describe, expect, it } from 'vitest';
import {
  type CsvEvent,
  DEFAULT_CSV_LIMITS,
  readCsv,
  rowShapeProblem,
} from '../../src/intake/csv-reader.js';

async function eventsOf(
  parts: (string | Uint8Array)[],
  limits = DEFAULT_CSV_LIMITS,
): Promise<CsvEvent[]> {
  const events: CsvEvent[] = [];
  for await (const event of readCsv(
    (async function* () {
      yield* parts;
    })(),
    limits,
  )) {
    events.push(event);
  }
  return events;
}

describe('readCsv', () => {
  it('yields the header, then rows numbered as in the spreadsheet, blank ones skipped', async () => {
    expect(
      await eventsOf(['phone;name\r\n+1 415;"Ada\r\nL."\r\n;\r\n', '+1 212;Alan\r\n']),
    ).toEqual([
      { kind: 'header', fields: ['phone', 'name'], delimiter: ';' },
      {
        kind: 'rows',
        rows: [
          { rowNumber: 1, fields: ['+1 415', 'Ada\r\nL.'] },
          { rowNumber: 3, fields: ['+1 212', 'Alan'] },
        ],
        bytesRead: 46,
      },
    ]);
  });

  it('decodes UTF-8 split anywhere between chunks, and drops the BOM', async () => {
    const bytes = new TextEncoder().encode('\uFEFFphone,name\n1,Zoë Ångström\n');
    const parts = Array.from(bytes, (byte) => new Uint8Array([byte]));
    const events = await eventsOf(parts);
    expect(events[0]).toMatchObject({ fields: ['phone', 'name'] });
    expect(events[1]).toMatchObject({ rows: [{ fields: ['1', 'Zoë Ångström'] }] });
  });

  it('refuses a file past a size, row or column limit, saying which', async () => {
    const limits = { ...DEFAULT_CSV_LIMITS, maxBytes: 20, maxRows: 2, maxColumns: 3 };
    expect((await eventsOf(['phone\n1\n', '2\n3\n4\n5\n6\n7\n8\n'], limits)).at(-1)).toEqual({
      kind: 'invalid',
      reason: 'the file is larger than 20 bytes; split it',
      bytesRead: 22,
    });
    expect((await eventsOf(['phone\n1\n2\n3\n'], limits)).at(-1)).toMatchObject({
      reason: 'the file has more than 2 rows; split it',
    });
    expect((await eventsOf(['a,b,c,d\n'], limits)).at(-1)).toMatchObject({
      reason: 'the header has 4 columns; at most 3',
    });
  });

  it('tells a huge unquoted cell from a quote never closed', async () => {
    // 5 MB in one unquoted cell, sent in pieces as an upload arrives.
    const huge = ['phone,notes\n+14155550101,', ...Array(80).fill('x'.repeat(65_536)), '\n'];
    expect((await eventsOf(huge)).at(-1)).toMatchObject({
      kind: 'invalid',
      reason:
        'row 1 (line 2) has a cell too large: a cell holds at most 4096 characters, and this row passed 65536',
    });
    const open = ['phone,notes\n+14155550101,"starts here\n', '+14155550102,b\n'.repeat(10_000)];
    expect((await eventsOf(open)).at(-1)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(
        /^row 1 is far too long .*a quote that is opened and never closed$/,
      ),
    });
  });

  it('stops reading the source when its reader is abandoned', async () => {
    let pulled = 0;
    const source = (async function* () {
      yield 'phone\n';
      for (;;) {
        pulled += 1;
        yield '+14155550101\n'.repeat(1000);
      }
    })();
    for await (const event of readCsv(source)) {
      if (event.kind === 'rows') break;
    }
    // Stopping the reader closed the source: nothing reads it in the background any more.
    const after = pulled;
    expect(await source.next()).toEqual({ done: true, value: undefined });
    expect(pulled).toBe(after);
  });

  it('names the field too long, the extra fields and bytes that are not UTF-8', () => {
    const header = ['phone', 'name'];
    expect(rowShapeProblem(['1', 'x'.repeat(11)], header, 10)).toBe(
      '"name" is longer than 10 characters',
    );
    expect(rowShapeProblem(['1', 'a', ''], header, 10)).toBeNull();
    expect(rowShapeProblem(['1', 'a', 'b'], header, 10)).toContain(
      'the row has 3 fields but the header only 2 columns',
    );
    expect(rowShapeProblem(['1', 'Jos\uFFFD'], header, 10)).toContain('not UTF-8');
  });
});
