import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { parse } from 'yaml';
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import { checkDialString } from './campaign/dial-string.js';

// zod/mini carries no messages of its own: the full zod's English ones (see config.ts).
z.config(english());

/** One Asterisk server dialstate places calls on. */
export interface PbxConfig {
  /** Unique name: metrics label, campaign `pbxs` entry, attempt's PBX. */
  readonly name: string;
  /** Base URL of its HTTP server; null = an embedded simulator started for this process. */
  readonly url: string | null;
  readonly user: string;
  readonly password: string;
  /** Our Stasis application's name on this PBX. */
  readonly app: string;
  /** Most attempts live at once on this PBX (the global cap applies too). */
  readonly maxChannels: number;
  /** Dial-string template of campaigns that set none, on this PBX; null = the server's. */
  readonly dialString: string | null;
  /** A disabled PBX is neither connected nor given calls. */
  readonly enabled: boolean;
}

/** What the settings outside the file give every PBX entry that leaves them out. */
export interface PbxDefaults {
  user: string;
  app: string;
  maxChannels: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const APP = /^[A-Za-z0-9_-]+$/;

const dialString = z.string().check(
  z.superRefine((template, ctx) => {
    const check = checkDialString(template);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.problems.join('; ') });
  }),
);

/** One entry of the file as written; the defaults fill what it leaves out. */
const PBX_ENTRY = z.strictObject({
  name: z.string().check(z.regex(NAME, 'must be 1 to 64 letters, digits, "-" or "_"')),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  user: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'))),
  password: z.string().check(z.minLength(1, 'must not be empty')),
  app: z.optional(z.string().check(z.regex(APP, 'must be letters, digits, "-" or "_"'))),
  maxChannels: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  dialString: z.optional(dialString),
  enabled: z.optional(z.boolean()),
});

const PBX_FILE = z.strictObject({
  pbxs: z.array(z.unknown()).check(z.minLength(1, 'must list at least one PBX')),
});

/**
 * The YAML parser, loaded the first time a PBX file is read: the settings are read by
 * every command, a PBX file only by the server's few; bundled and loaded with them, yaml
 * cost each command ~1 MB of RSS (docs/BENCHMARKS.md, "CLI start-up"). Through `require`,
 * which the settings' synchronous reading can wait for; the bundle leaves the package to
 * node_modules (scripts/bundle-cli.ts).
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as { parse: typeof parse };
  return yaml.parse(text);
}

/**
 * Reads and validates the PBX file (`DIALSTATE_PBX_FILE`): YAML or JSON (JSON is YAML),
 * `{ "pbxs": [ { "name", "url", "password", "user"?, "app"?, "maxChannels"?,
 * "dialString"?, "enabled"? } ] }`. Returns every problem found, each naming its entry,
 * never a password.
 */
export function readPbxFile(
  file: string,
  defaults: PbxDefaults,
): { ok: true; pbxs: PbxConfig[] } | { ok: false; problems: string[] } {
  const where = `DIALSTATE_PBX_FILE (${file})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`${where}: cannot read it: ${(error as Error).message}`] };
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    // The parser's message quotes the line, which may hold a password: say where only.
    const at = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return {
      ok: false,
      problems: [`${where}: not valid YAML or JSON${at === undefined ? '' : ` (line ${at})`}`],
    };
  }
  return parsePbxDocument(document, defaults, where);
}

/** Validates a parsed PBX file; see {@link readPbxFile}. */
export function parsePbxDocument(
  document: unknown,
  defaults: PbxDefaults,
  where = 'DIALSTATE_PBX_FILE',
): { ok: true; pbxs: PbxConfig[] } | { ok: false; problems: string[] } {
  const top = PBX_FILE.safeParse(document);
  if (!top.success) {
    return {
      ok: false,
      problems: top.error.issues.map((issue) => `${where}: ${pathOf(issue.path)}${issue.message}`),
    };
  }
  const problems: string[] = [];
  const pbxs: PbxConfig[] = [];
  top.data.pbxs.forEach((raw, index) => {
    const label = entryLabel(raw, index);
    const entry = PBX_ENTRY.safeParse(raw);
    if (!entry.success) {
      // Zod's messages name the field and the rule, never the value given.
      for (const issue of entry.error.issues) {
        problems.push(`${where}: ${label}: ${pathOf(issue.path)}${issue.message}`);
      }
      return;
    }
    const e = entry.data;
    pbxs.push(
      Object.freeze({
        name: e.name,
        url: e.url,
        user: e.user ?? defaults.user,
        password: e.password,
        app: e.app ?? defaults.app,
        maxChannels: e.maxChannels ?? defaults.maxChannels,
        dialString: e.dialString ?? null,
        enabled: e.enabled ?? true,
      }),
    );
  });
  // Over every entry, valid or not, so that one round of fixes is enough.
  const seen = new Set<string>();
  for (const raw of top.data.pbxs) {
    const name = nameOf(raw);
    if (name === null) continue;
    if (seen.has(name)) problems.push(`${where}: the name ${name} is used twice`);
    seen.add(name);
  }
  if (problems.length === 0 && !pbxs.some((pbx) => pbx.enabled)) {
    problems.push(`${where}: every PBX is disabled; enable at least one`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pbxs };
}

/** An entry's name when it has a valid one, else null. */
function nameOf(raw: unknown): string | null {
  const name =
    typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && NAME.test(name) ? name : null;
}

/** `pbxs[2] (b)`: where an entry is, and its name when it has a valid one. */
function entryLabel(raw: unknown, index: number): string {
  const name = nameOf(raw);
  return name === null ? `pbxs[${index}]` : `pbxs[${index}] (${name})`;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '' : `${path.map(String).join('.')}: `;
}

/**
 * The PBXs of a process without a PBX file: the one of `DIALSTATE_ARI_*` (named
 * `default`), or, against the embedded simulator, `simulators` of them (`sim-1`…), each
 * with a simulator of its own.
 */
export function pbxsFromEnvironment(
  ari: { url: string | null; user: string; password: string; app: string },
  maxChannels: number,
  simulators: number,
): PbxConfig[] {
  if (ari.url !== null || simulators === 1) {
    return [
      Object.freeze({
        name: 'default',
        ...ari,
        maxChannels,
        dialString: null,
        enabled: true,
      }),
    ];
  }
  return Array.from({ length: simulators }, (_, i) =>
    Object.freeze({
      name: `sim-${i + 1}`,
      ...ari,
      maxChannels,
      dialString: null,
      enabled: true,
    }),
  );
}

/** A PBX as logs, health and doctor output may show it: no password. */
export function redactedPbx(pbx: PbxConfig): Omit<PbxConfig, 'password'> & { password: string } {
  return { ...pbx, password: pbx.password === '' ? '(unset)' : '••••••' };
}
