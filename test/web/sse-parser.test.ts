import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../web/src/sse-parser.js';

describe('createSseParser', () => {
  it('reads events split anywhere across chunks, skipping comments', () => {
    const parse = createSseParser();
    expect(parse(': ping\n\nid: b1-7\nevent: att')).toEqual([]);
    expect(parse('empt\ndata: {"a":1}\n')).toEqual([]);
    expect(parse('\nevent: ready\ndata: {}\n\n')).toEqual([
      { id: 'b1-7', event: 'attempt', data: '{"a":1}' },
      { id: undefined, event: 'ready', data: '{}' },
    ]);
  });

  it('joins multi-line data and accepts CRLF line ends', () => {
    const parse = createSseParser();
    expect(parse('data: one\r\ndata: two\r\n\r\n')).toEqual([
      { id: undefined, event: 'message', data: 'one\ntwo' },
    ]);
  });
});
