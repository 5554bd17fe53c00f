import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_DOCS } from '../src/config-reference.js';
import { acceptedValues, defaultOf, renderConfigReference } from '../src/config-reference-page.js';
import { CONFIG_SCHEMA } from '../src/config-schema.js';

const root = path.resolve(import.meta.dirname, '..');

describe('the configuration reference', () => {
  it('docs/configuration.md is what the schema generates (npm run docs:config)', () => {
    const written = readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
    expect(written).toBe(renderConfigReference());
  });

  it('describes every setting of the schema, and only those', () => {
    expect(Object.keys(SETTING_DOCS).sort()).toEqual(Object.keys(CONFIG_SCHEMA.shape).sort());
  });

  it('reads defaults and ranges from the schema itself', () => {
    expect(defaultOf('DIALSTATE_HTTP_PORT')).toBe('`3000`');
    expect(acceptedValues('DIALSTATE_HTTP_PORT')).toBe('whole number, 0 to 65535');
    expect(acceptedValues('DIALSTATE_SIM_TIME_SCALE')).toBe('number, 0.001 to 1');
    expect(acceptedValues('DIALSTATE_DB_SYNCHRONOUS')).toBe('`NORMAL`, `FULL`');
    expect(acceptedValues('DIALSTATE_API_TOKEN')).toBe('text of at least 16 characters');
    expect(defaultOf('DIALSTATE_DB_PATH')).toContain('<DIALSTATE_DATA_DIR>/dialstate.db');
  });

  it('.env.example names every setting', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const missing = Object.keys(SETTING_DOCS).filter(
      (name) => !new RegExp(`^# ${name}=`, 'm').test(example),
    );
    expect(missing).toEqual([]);
  });
});
