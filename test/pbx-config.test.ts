import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { useCleanup } from './support/cleanup.js';
import { configProblemsOf } from './support/config-problems.js';
import { createTempDir } from './support/store-fixtures.js';

const later = useCleanup();

/** Writes `text` as a PBX file and returns its path. */
function pbxFile(text: string, name = 'pbxs.yaml'): string {
  const dir = createTempDir();
  later(dir.remove);
  const file = path.join(dir.path, name);
  writeFileSync(file, text);
  return file;
}

const problemsOf = configProblemsOf;

describe('the PBX file', () => {
  it('reads several PBXs from JSON, the other settings filling what an entry leaves out', () => {
    const file = pbxFile(
      JSON.stringify({
        pbxs: [
          { name: 'east', url: 'http://10.0.0.11:8088', password: 'p-east', maxChannels: 30 },
          {
            name: 'west',
            url: 'https://10.0.0.12:8089',
            user: 'ari-west',
            app: 'dialer-west',
            password: 'p-west',
            dialString: 'PJSIP/{e164digits}@west-trunk',
            enabled: false,
          },
        ],
      }),
      'pbxs.json',
    );
    const config = loadConfig({
      DIALSTATE_PBX_FILE: file,
      DIALSTATE_ARI_USER: 'dialstate-ari',
      DIALSTATE_MAX_CHANNELS: '12',
    });
    expect(config.pbxFile).toBe(file);
    expect(config.pbxs).toEqual([
      {
        name: 'east',
        url: 'http://10.0.0.11:8088',
        user: 'dialstate-ari',
        password: 'p-east',
        app: 'dialstate',
        maxChannels: 30,
        dialString: null,
        enabled: true,
      },
      {
        name: 'west',
        url: 'https://10.0.0.12:8089',
        user: 'ari-west',
        password: 'p-west',
        app: 'dialer-west',
        maxChannels: 12,
        dialString: 'PJSIP/{e164digits}@west-trunk',
        enabled: false,
      },
    ]);
    // Not the embedded simulator: the media folder is the real Asterisk's.
    expect(config.mediaDir).toBe('/mnt/asterisk_media/ai-generated');
  });

  it('reads YAML too', () => {
    const file = pbxFile('pbxs:\n  - name: a\n    url: http://127.0.0.1:8088\n    password: s3\n');
    expect(loadConfig({ DIALSTATE_PBX_FILE: file }).pbxs.map((pbx) => pbx.name)).toEqual(['a']);
  });

  it('reports every problem at once, with the other settings', () => {
    const file = pbxFile(
      [
        'pbxs:',
        '  - name: east',
        '    url: ftp://10.0.0.11',
        '    password: secret-one',
        '  - name: east',
        '    url: http://10.0.0.12:8088',
        '    password: secret-two',
        '  - name: bad name',
        '    url: http://10.0.0.13:8088',
        '    maxChannels: 0',
        '    passwrod: secret-three',
      ].join('\n'),
    );
    const problems = problemsOf({ DIALSTATE_PBX_FILE: file, DIALSTATE_HTTP_PORT: 'x' });
    expect(problems).toEqual([
      'DIALSTATE_HTTP_PORT: Invalid input: expected number, received NaN',
      `DIALSTATE_PBX_FILE (${file}): pbxs[0] (east): url: must be an http(s) URL`,
      `DIALSTATE_PBX_FILE (${file}): pbxs[2]: name: must be 1 to 64 letters, digits, "-" or "_"`,
      `DIALSTATE_PBX_FILE (${file}): pbxs[2]: password: Invalid input: expected string, received undefined`,
      `DIALSTATE_PBX_FILE (${file}): pbxs[2]: maxChannels: Too small: expected number to be >=1`,
      `DIALSTATE_PBX_FILE (${file}): pbxs[2]: Unrecognized key: "passwrod"`,
      `DIALSTATE_PBX_FILE (${file}): the name east is used twice`,
    ]);
    // No password is ever repeated back.
    expect(problems.join('\n')).not.toMatch(/secret/);
  });

  it('needs one enabled PBX, and a file without a URL beside it', () => {
    const none = pbxFile(
      'pbxs:\n  - { name: a, url: "http://127.0.0.1:8088", password: p, enabled: false }\n',
    );
    expect(problemsOf({ DIALSTATE_PBX_FILE: none })).toEqual([
      `DIALSTATE_PBX_FILE (${none}): every PBX is disabled; enable at least one`,
    ]);
    const empty = pbxFile('pbxs: []\n');
    expect(problemsOf({ DIALSTATE_PBX_FILE: empty })).toEqual([
      `DIALSTATE_PBX_FILE (${empty}): pbxs: must list at least one PBX`,
    ]);
    const file = pbxFile('pbxs:\n  - { name: a, url: "http://127.0.0.1:8088", password: p }\n');
    expect(
      problemsOf({
        DIALSTATE_PBX_FILE: file,
        DIALSTATE_ARI_URL: 'http://127.0.0.1:8088',
        DIALSTATE_ARI_PASSWORD: 'p',
      }),
    ).toEqual([
      'DIALSTATE_PBX_FILE: the PBX file lists every PBX; unset DIALSTATE_ARI_URL (or the file)',
    ]);
  });

  it('says where a file cannot be read or parsed, without quoting it', () => {
    expect(problemsOf({ DIALSTATE_PBX_FILE: '/nonexistent/pbxs.yaml' })).toEqual([
      expect.stringMatching(/^DIALSTATE_PBX_FILE \(\/nonexistent\/pbxs\.yaml\): cannot read it: /),
    ]);
    const broken = pbxFile('pbxs:\n  - name: a\n    password: "hunter2\n');
    const problems = problemsOf({ DIALSTATE_PBX_FILE: broken });
    expect(problems).toEqual([expect.stringMatching(/: not valid YAML or JSON \(line \d+\)$/)]);
    expect(problems.join('\n')).not.toMatch(/hunter2/);
  });
});

describe('PBXs from the environment', () => {
  it('is the one PBX of DIALSTATE_ARI_URL, named default', () => {
    const config = loadConfig({
      DIALSTATE_ARI_URL: 'http://127.0.0.1:8088',
      DIALSTATE_ARI_PASSWORD: 'p',
      DIALSTATE_MAX_CHANNELS: '7',
    });
    expect(config.pbxs).toEqual([
      {
        name: 'default',
        url: 'http://127.0.0.1:8088',
        user: 'dialstate',
        password: 'p',
        app: 'dialstate',
        maxChannels: 7,
        dialString: null,
        enabled: true,
      },
    ]);
    expect(config.pbxFile).toBeNull();
  });

  it('starts DIALSTATE_SIM_PBXS embedded simulators, only without a real PBX', () => {
    expect(loadConfig({ DIALSTATE_SIM_PBXS: '3' }).pbxs.map((pbx) => [pbx.name, pbx.url])).toEqual([
      ['sim-1', null],
      ['sim-2', null],
      ['sim-3', null],
    ]);
    expect(
      problemsOf({
        DIALSTATE_SIM_PBXS: '2',
        DIALSTATE_ARI_URL: 'http://127.0.0.1:8088',
        DIALSTATE_ARI_PASSWORD: 'p',
      }),
    ).toEqual([
      'DIALSTATE_SIM_PBXS: embedded simulators are for a process without DIALSTATE_ARI_URL or DIALSTATE_PBX_FILE',
    ]);
  });
});
