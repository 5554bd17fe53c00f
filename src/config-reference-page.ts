/**
 * docs/configuration.md, rendered: the introduction, one table per group of settings
 * with each one's default, values and words, and the section on several PBXs. Values
 * and defaults are read from the schema itself, the words from SETTING_DOCS, so neither
 * is written twice.
 */
import { toJSONSchema } from 'zod/mini';
import { SETTING_DOCS, type SettingDoc, type SettingName } from './config-reference.js';
import { CONFIG_SCHEMA } from './config-schema.js';

interface JsonSchemaField {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
}

/** The values a setting takes, in words, read from its schema. */
export function acceptedValues(name: SettingName): string {
  const field = fieldSchemas()[name];
  if (field.enum) return field.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (field.type === 'integer' || field.type === 'number') {
    const kind = field.type === 'integer' ? 'whole number' : 'number';
    return `${kind}, ${field.minimum ?? '−∞'} to ${field.maximum ?? '∞'}`;
  }
  if (field.format === 'uri') return 'an `http://` or `https://` URL';
  if (field.pattern) return `text matching \`${field.pattern}\``;
  if (field.minLength !== undefined && field.minLength > 1)
    return `text of at least ${field.minLength} characters`;
  return field.minLength === 1 ? 'non-empty text' : 'text';
}

/** The default of a setting as the reference shows it. */
export function defaultOf(name: SettingName): string {
  const doc = SETTING_DOCS[name];
  if (doc.defaultText) return doc.defaultText;
  const value = fieldSchemas()[name].default;
  if (value === undefined) return 'unset';
  return value === '' ? 'empty' : `\`${String(value)}\``;
}

let fields: Record<string, JsonSchemaField> | undefined;
function fieldSchemas(): Record<SettingName, JsonSchemaField> {
  fields ??= (
    toJSONSchema(CONFIG_SCHEMA, { io: 'input' }) as {
      properties: Record<string, JsonSchemaField>;
    }
  ).properties;
  return fields;
}

const GROUPS: readonly SettingDoc['group'][] = [
  'Asterisk ARI',
  'Dialplan and media',
  'Storage',
  'HTTP API',
  'Engine',
  'Compliance',
];

const INTRO = `# Configuration reference

<!-- Generated from src/config-schema.ts and src/config-reference.ts by \`npm run docs:config\`;
     test/config-reference.test.ts fails when this file is out of date. -->

Every setting is an environment variable, and every one is optional: with none set,
\`dialstate serve\` runs against its embedded simulated Asterisk with its data in \`./data\`.
A setting is taken from, first to last:

1. a command-line option that stands for it (\`--db PATH\` is \`DIALSTATE_DB_PATH\`);
2. the process environment (systemd's \`Environment=\`/\`EnvironmentFile=\`, Compose's
   \`environment:\`/\`env_file:\`, or the shell);
3. the file given with \`--config FILE\` (\`KEY=value\` lines, \`#\` comments, quotes as in
   a shell), e.g. \`dialstate serve --config /etc/dialstate/dialstate.env\`.

An empty value counts as unset. Every setting is read once, when a command starts:
**each one needs a restart of \`dialstate serve\`** (\`systemctl restart dialstate\`,
\`docker compose restart dialstate\`) to change a running server. Campaign settings
(windows, pacing, AMD, consent…) are not here: they belong to each campaign and change in
the UI or the API without a restart.

\`dialstate config check [--config FILE]\` prints the configuration a command would run
with — each setting's value, with the password and token masked, and where it came from —
and every problem at once; it exits 1 when there is one. [.env.example](../.env.example)
is a file to start from.`;

const SEVERAL_PBXS = `## Several PBXs

One dialstate process can place calls on several Asterisk servers. List them in a YAML or
JSON file and name it with \`DIALSTATE_PBX_FILE\` (instead of \`DIALSTATE_ARI_URL\`):

\`\`\`yaml
pbxs:
  - name: east             # unique: letters, digits, "-" or "_"; campaigns name PBXs by it
    url: http://10.0.0.11:8088
    password: secret-east  # never shown in logs, /health, doctor or config check
    maxChannels: 30        # most live calls on this PBX (default DIALSTATE_MAX_CHANNELS)
  - name: west
    url: http://10.0.0.12:8088
    user: dialstate        # default DIALSTATE_ARI_USER
    app: dialstate         # default DIALSTATE_ARI_APP
    password: secret-west
    dialString: PJSIP/{e164digits}@west-trunk   # default DIALSTATE_DIAL_STRING
    enabled: false         # left out: not connected, given no call (default true)
\`\`\`

Every problem of the file (a missing password, a bad URL, a name used twice, no PBX
enabled…) is reported at once when a command starts. Each call goes to the least loaded
PBX the campaign may use (a campaign's \`pbxs\` names them; null = all) that is connected,
not held after a failed originate and under its \`maxChannels\`, within
\`DIALSTATE_MAX_CHANNELS\` over all of them; a call stays on its PBX until it ends, restarts
included. \`/health\`, \`/metrics\` (label \`pbx\`), \`/api/setup/checks\` and
\`dialstate doctor\` report each PBX (ADR 028).`;

/** docs/configuration.md: every setting with its default, values and effect, by group. */
export function renderConfigReference(): string {
  const names = Object.keys(SETTING_DOCS) as SettingName[];
  const sections = GROUPS.map((group) => {
    const rows = names
      .filter((name) => SETTING_DOCS[name].group === group)
      .map(
        (name) =>
          `| \`${name}\` | ${defaultOf(name)} | ${acceptedValues(name)} | ${SETTING_DOCS[name].description} |`,
      );
    return [
      `## ${group}`,
      '',
      '| setting | default | values | what it changes |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return `${[INTRO, ...sections, SEVERAL_PBXS].join('\n\n')}\n`;
}
