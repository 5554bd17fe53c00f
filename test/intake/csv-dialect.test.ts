import { describe, expect, it } from 'vitest';
import { detectDelimiter, unreadableEncoding } from '../../src/intake/csv-dialect.js';

describe('CSV dialect', () => {
  it('takes the delimiter found most often in the header line, outside quotes', () => {
    expect(detectDelimiter('phone,name,notes\n1;2;3;4;5\n')).toBe(',');
    expect(detectDelimiter('phone;name;"a, b, c"\n')).toBe(';');
    expect(detectDelimiter('phone\tname\tnotes')).toBe('\t');
    expect(detectDelimiter('"a;b;c",d\r\n')).toBe(',');
  });

  it('reads a one-column file as comma-separated and prefers commas on a tie', () => {
    expect(detectDelimiter('phone\n+14155550101\n')).toBe(',');
    expect(detectDelimiter('a,b;c')).toBe(',');
  });

  it('refuses UTF-16 by its byte-order mark, in either byte order', () => {
    expect(unreadableEncoding(new Uint8Array([0xff, 0xfe, 0x70, 0x00]))).toContain('UTF-16');
    expect(unreadableEncoding(new Uint8Array([0xfe, 0xff, 0x00, 0x70]))).toContain('UTF-16');
    expect(unreadableEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x70]))).toBeNull();
  });
});
