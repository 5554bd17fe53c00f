import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

/** A pino destination that keeps each JSON line written. */
function captured(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line) };
}

describe('createLogger', () => {
  it('redacts credentials at the top level, one level down and in request headers', () => {
    const out = captured();
    const log = createLogger('info', out);
    log.info({ password: 'hunter2', apiToken: 'tok-1' }, 'top level');
    log.info({ pbx: { password: 'pbx-secret' }, auth: { apiToken: 'tok-2' } }, 'nested');
    log.info({ headers: { authorization: 'Basic ZGlhbDpzZWNyZXQ=' } }, 'headers');
    const text = out.lines.join('');
    for (const secret of ['hunter2', 'tok-1', 'pbx-secret', 'tok-2', 'ZGlhbDpzZWNyZXQ=']) {
      expect(text).not.toContain(secret);
    }
    expect(out.lines).toHaveLength(3);
    for (const line of out.lines) expect(line).toContain('[Redacted]');
  });

  it('redacts bindings of a child logger too', () => {
    const out = captured();
    const child = createLogger('info', out).child({ pbx: { name: 'east', password: 'p4ss' } });
    child.warn('child line');
    const [line] = out.lines;
    expect(line).toBeDefined();
    const parsed = JSON.parse(line ?? '{}') as { pbx?: { name?: string; password?: string } };
    expect(parsed.pbx).toEqual({ name: 'east', password: '[Redacted]' });
  });

  it('keeps what is not a credential', () => {
    const out = captured();
    createLogger('info', out).info({ attemptId: 'a-1', status: 503 }, 'kept');
    const parsed = JSON.parse(out.lines[0] ?? '{}') as Record<string, unknown>;
    expect(parsed).toMatchObject({
      attemptId: 'a-1',
      status: 503,
      msg: 'kept',
      service: 'dialstate',
    });
  });
});
