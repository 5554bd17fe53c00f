import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_DIR, loadConfig } from '../src/config.js';
import { configProblemsOf } from './support/config-problems.js';

const problemsOf = configProblemsOf;

describe('loadConfig', () => {
  it('runs against the embedded simulator with a local data folder by default', () => {
    const config = loadConfig({});
    expect(config.ari.url).toBeNull();
    expect(config.ari.app).toBe('dialstate');
    expect(config.dial).toEqual({
      context: 'from-internal',
      outboundIdentity: '6789',
      amdContext: 'aava-outbound-amd',
      dialString: 'Local/{number}@from-internal',
      aavaHandoffContext: 'dialstate-aava-handoff',
      handOffSettleMs: null,
      hopWaitMs: 15_000,
    });
    expect(config.mediaDir).toBe('data/media');
    expect(config.db).toEqual({
      url: null,
      path: 'data/dialstate.db',
      synchronous: 'FULL',
      checkpoints: 'background',
      walSync: 'auto',
      busyTimeoutMs: 5_000,
      unwritableAfterMs: 10_000,
      nodeId: hostname(),
      nodeLeaseMs: 15_000,
      poolSize: 20,
    });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, apiToken: null });
    expect(config.maxChannels).toBe(10);
    expect(config.circuitBreakerFailures).toBe(5);
    expect(config.simTimeScale).toBe(1);
    expect(config.logLevel).toBe('info');
  });

  it('keeps the AAVA variable names and the real media folder for a real Asterisk', () => {
    const config = loadConfig({
      DIALSTATE_ARI_URL: 'http://10.0.0.5:8088',
      DIALSTATE_ARI_PASSWORD: 'secret',
      AAVA_OUTBOUND_EXTENSION_IDENTITY: '7000',
      AAVA_OUTBOUND_AMD_CONTEXT: 'my-amd',
    });
    expect(config.ari.url).toBe('http://10.0.0.5:8088');
    expect(config.dial.outboundIdentity).toBe('7000');
    expect(config.dial.amdContext).toBe('my-amd');
    expect(config.mediaDir).toBe(DEFAULT_MEDIA_DIR);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      DIALSTATE_ARI_URL: 'not a url',
      DIALSTATE_HTTP_PORT: '70000',
      DIALSTATE_MAX_CHANNELS: '0',
      DIALSTATE_DB_SYNCHRONOUS: 'OFF',
      DIALSTATE_ARI_APP: 'has space',
      AAVA_OUTBOUND_EXTENSION_IDENTITY: 'abc',
    });
    // Six settings wrong, and the URL given without the password it needs.
    expect(problems).toHaveLength(7);
    expect(problems).toContain('DIALSTATE_ARI_PASSWORD: required when DIALSTATE_ARI_URL is set');
    expect(problems.join('\n')).toMatch(/DIALSTATE_ARI_URL/);
    expect(problems.join('\n')).toMatch(/DIALSTATE_HTTP_PORT/);
    expect(problems.join('\n')).toMatch(/AAVA_OUTBOUND_EXTENSION_IDENTITY/);
  });

  it('reads the compliance settings, 0 as no cap, and refuses an invalid calendar', () => {
    const config = loadConfig({
      DIALSTATE_CAP_PER_24H: '2',
      DIALSTATE_CAP_PER_7D: '0',
      DIALSTATE_BLACKOUT_DATES: '2026-12-25,2026-12-31..2027-01-01',
    });
    expect(config.compliance).toEqual({
      frequencyCaps: { per24h: 2, per7d: null, per30d: null },
      blackoutDates: [
        { from: '2026-12-25', to: '2026-12-25', name: null },
        { from: '2026-12-31', to: '2027-01-01', name: null },
      ],
    });
    expect(problemsOf({ DIALSTATE_BLACKOUT_DATES: '2026-02-30' })).toEqual([
      'DIALSTATE_BLACKOUT_DATES: blackout 1 (2026-02-30): "2026-02-30" is not a YYYY-MM-DD date',
    ]);
    expect(problemsOf({ DIALSTATE_CAP_PER_30D: '-1' })[0]).toMatch(/^DIALSTATE_CAP_PER_30D/);
  });

  it('refuses to expose the API beyond loopback without a token', () => {
    expect(problemsOf({ DIALSTATE_HTTP_HOST: '0.0.0.0' })).toEqual([
      'DIALSTATE_HTTP_HOST: 0.0.0.0 is not loopback; set DIALSTATE_API_TOKEN to expose the API',
    ]);
    const config = loadConfig({
      DIALSTATE_HTTP_HOST: '0.0.0.0',
      DIALSTATE_API_TOKEN: 'a-long-enough-token',
    });
    expect(config.http.apiToken).toBe('a-long-enough-token');
  });

  it('refuses a blank token, and one that no client could send', () => {
    expect(problemsOf({ DIALSTATE_API_TOKEN: ' '.repeat(16) })).toEqual([
      'DIALSTATE_API_TOKEN: is blank; set a long random secret, or unset it',
    ]);
    expect(problemsOf({ DIALSTATE_API_TOKEN: '\t\n'.repeat(10) })[0]).toMatch(/is blank/);
    expect(problemsOf({ DIALSTATE_API_TOKEN: ' a-long-enough-token ' })).toEqual([
      'DIALSTATE_API_TOKEN: must not start or end with spaces (a quoting mistake in the .env file?)',
    ]);
    expect(problemsOf({ DIALSTATE_API_TOKEN: 'a-long-enough\u0000token' })).toEqual([
      'DIALSTATE_API_TOKEN: must not contain control characters',
    ]);
    expect(problemsOf({ DIALSTATE_API_TOKEN: 'short' })).toEqual([
      'DIALSTATE_API_TOKEN: must be at least 16 characters',
    ]);
  });

  it('gives each node sharing a PostgreSQL database a Stasis app of its own, and its lease', () => {
    const shared = loadConfig({
      DIALSTATE_DATABASE_URL: 'postgres://dialstate:secret@db.example.net/dialstate',
      DIALSTATE_NODE_ID: 'node-a',
      DIALSTATE_NODE_LEASE_MS: '3000',
      DIALSTATE_ARI_APP: 'dialer',
      DIALSTATE_SIM_PBXS: '2',
    });
    expect(shared.ari.app).toBe('dialer-node-a');
    expect(shared.pbxs.map((pbx) => pbx.app)).toEqual(['dialer-node-a', 'dialer-node-a']);
    expect(shared.db.nodeLeaseMs).toBe(3_000);
    // One node on SQLite: the app as configured.
    expect(loadConfig({ DIALSTATE_NODE_ID: 'node-a', DIALSTATE_ARI_APP: 'dialer' }).ari.app).toBe(
      'dialer',
    );
    expect(problemsOf({ DIALSTATE_NODE_LEASE_MS: '100' })).toEqual([
      'DIALSTATE_NODE_LEASE_MS: Too small: expected number to be >=1500',
    ]);
  });

  it('needs an ARI password once an ARI URL is set', () => {
    expect(problemsOf({ DIALSTATE_ARI_URL: 'http://127.0.0.1:8088' })).toEqual([
      'DIALSTATE_ARI_PASSWORD: required when DIALSTATE_ARI_URL is set',
    ]);
  });

  it('takes the circuit breaker threshold as a whole number of calls, at least 1', () => {
    expect(loadConfig({ DIALSTATE_CIRCUIT_BREAKER_FAILURES: '12' }).circuitBreakerFailures).toBe(
      12,
    );
    expect(problemsOf({ DIALSTATE_CIRCUIT_BREAKER_FAILURES: '0' })).toEqual([
      expect.stringMatching(/^DIALSTATE_CIRCUIT_BREAKER_FAILURES: /),
    ]);
    expect(problemsOf({ DIALSTATE_CIRCUIT_BREAKER_FAILURES: '2.5' })).toEqual([
      expect.stringMatching(/^DIALSTATE_CIRCUIT_BREAKER_FAILURES: /),
    ]);
  });

  it('takes the database lock wait and the unwritable bound as whole ms', () => {
    const config = loadConfig({
      DIALSTATE_DB_BUSY_TIMEOUT_MS: '250',
      DIALSTATE_DB_UNWRITABLE_AFTER_MS: '2000',
    });
    expect(config.db).toMatchObject({ busyTimeoutMs: 250, unwritableAfterMs: 2_000 });
    expect(
      problemsOf({ DIALSTATE_DB_BUSY_TIMEOUT_MS: '-1', DIALSTATE_DB_UNWRITABLE_AFTER_MS: '5' }),
    ).toEqual([
      expect.stringMatching(/^DIALSTATE_DB_BUSY_TIMEOUT_MS: /),
      expect.stringMatching(/^DIALSTATE_DB_UNWRITABLE_AFTER_MS: /),
    ]);
  });

  it("takes the PostgreSQL pool's size as a whole number of 2 or more", () => {
    expect(loadConfig({ DIALSTATE_DB_POOL_SIZE: '48' }).db.poolSize).toBe(48);
    expect(problemsOf({ DIALSTATE_DB_POOL_SIZE: '1' })).toEqual([
      'DIALSTATE_DB_POOL_SIZE: Too small: expected number to be >=2',
    ]);
    expect(problemsOf({ DIALSTATE_DB_POOL_SIZE: '12.5' })).toEqual([
      expect.stringMatching(/^DIALSTATE_DB_POOL_SIZE: /),
    ]);
  });

  it('takes who checkpoints SQLite, a thread of its own unless told otherwise', () => {
    expect(loadConfig({}).db.checkpoints).toBe('background');
    expect(loadConfig({ DIALSTATE_DB_CHECKPOINTS: 'automatic' }).db.checkpoints).toBe('automatic');
    expect(problemsOf({ DIALSTATE_DB_CHECKPOINTS: 'never' })).toEqual([
      expect.stringMatching(/^DIALSTATE_DB_CHECKPOINTS: /),
    ]);
  });

  it('selects PostgreSQL by URL, and refuses another URL without repeating it', () => {
    const url = 'postgresql://dialstate:s3cret@db.example:5432/dialstate?sslmode=require';
    expect(loadConfig({ DIALSTATE_DATABASE_URL: url }).db.url).toBe(url);
    expect(loadConfig({ DIALSTATE_DATABASE_URL: 'postgres://h/d' }).db.url).toBe('postgres://h/d');
    const problems = problemsOf({ DIALSTATE_DATABASE_URL: 'mysql://root:s3cret@db/dialstate' });
    expect(problems).toEqual([
      expect.stringMatching(/^DIALSTATE_DATABASE_URL: must be a PostgreSQL URL/),
    ]);
    expect(problems.join()).not.toContain('s3cret');
  });

  it('takes the AMD hop wait as whole ms, up to 10 minutes', () => {
    expect(loadConfig({ DIALSTATE_HOP_WAIT_MS: '60000' }).dial.hopWaitMs).toBe(60_000);
    expect(problemsOf({ DIALSTATE_HOP_WAIT_MS: '600001' })).toEqual([
      expect.stringMatching(/^DIALSTATE_HOP_WAIT_MS: /),
    ]);
  });

  it('treats empty variables as unset, as .env files write them', () => {
    expect(loadConfig({ DIALSTATE_ARI_URL: '', DIALSTATE_HTTP_PORT: '' }).http.port).toBe(3000);
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.db)).toBe(true);
  });
});
