import { describe, expect, it } from 'vitest';
import type { LeadImportIssue } from '../../src/intake/lead-import.js';
import { errorCsvChunks } from '../../src/intake/lead-import-error-csv.js';

function issue(
  rowNumber: number,
  reason: string,
  overrides: Partial<LeadImportIssue> = {},
): LeadImportIssue {
  return {
    rowNumber,
    severity: 'error',
    field: 'phone',
    value: null,
    reason,
    raw: '["x","y"]',
    ...overrides,
  };
}

async function csvOf(header: string[], pages: LeadImportIssue[][]): Promise<string> {
  let text = '';
  for await (const chunk of errorCsvChunks(
    header,
    (async function* () {
      yield* pages;
    })(),
  )) {
    text += chunk;
  }
  return text;
}

describe('error CSV', () => {
  it('writes one line per rejected row with all its reasons, even across pages', async () => {
    const csv = await csvOf(
      ['phone', 'name'],
      [
        [
          issue(0, 'file note', { severity: 'warning', raw: null }),
          issue(2, 'bad number'),
          issue(3, 'first'),
        ],
        [
          issue(3, 'second', { field: 'custom_vars' }),
          issue(3, 'a warning', { severity: 'warning' }),
        ],
      ],
    );
    expect(csv).toBe(
      [
        'phone,name,import_row,import_error',
        'x,y,2,phone: bad number',
        'x,y,3,phone: first; custom_vars: second',
        '',
      ].join('\n'),
    );
  });

  it('pads short rows, keeps the fields of long ones after the reason, and survives unreadable raw text', async () => {
    const csv = await csvOf(
      ['phone', 'name', 'note'],
      [
        [
          issue(1, 'short', { raw: '["a"]' }),
          issue(2, 'long', { raw: '["a","b","c","d, e"]' }),
          issue(3, 'lost', { raw: 'not json' }),
        ],
      ],
    );
    expect(csv).toBe(
      [
        'phone,name,note,import_row,import_error',
        'a,,,1,phone: short',
        'a,b,c,2,phone: long,"d, e"',
        ',,,3,phone: lost',
        '',
      ].join('\n'),
    );
  });
});
