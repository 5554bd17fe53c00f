// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk writes its variables ${LIKE_THIS}; these strings are dialplan, not templates.
import { DEFAULT_HOP_WAIT_MS } from '../campaign/amd-parameters.js';

/**
 * Version of the AMD hop's dialplan. Bump it with every change an installed hop must
 * follow: `dialstate doctor` looks for {@link AMD_HOP_VERSION_LABEL} in the installed hop.
 * v2: the return to Stasis is retried while dialstate is away; DIALSTATE_* variables.
 */
export const AMD_HOP_VERSION = 2;

/**
 * Label of the hop's first priority. `DIALPLAN_EXISTS(<context>,s,<label>)` resolves
 * labels, so a doctor can tell the installed hop's version without running it.
 */
export const AMD_HOP_VERSION_LABEL = `dialstate_hop_v${AMD_HOP_VERSION}`;

/**
 * dialstate's copies of `AMDSTATUS`/`AMDCAUSE`, set by the hop right after `AMD()`:
 * readable over ARI (`GET /channels/{id}/variable`) for as long as the channel lives,
 * so a verdict whose `StasisStart` went to nobody can still be read back.
 */
export const AMD_STATUS_VARIABLE = 'DIALSTATE_AMDSTATUS';
export const AMD_CAUSE_VARIABLE = 'DIALSTATE_AMDCAUSE';

/** Pause between two tries of `Stasis()` while the app is not connected (ms). */
export const HOP_RETRY_INTERVAL_MS = 500;

/** One priority of a dialplan extension, as written in `extensions.conf`. */
export interface DialplanStep {
  /** Set on an extension's first priority (`s`, `_X.`); the next ones are `same => n`. */
  readonly exten?: string;
  /** Priority label, the target of `Goto`/`GotoIf` (and of `DIALPLAN_EXISTS`). */
  readonly label?: string;
  readonly app: string;
  /** The application's arguments before expansion, `${…}` and `$[…]` as written. */
  readonly data: string;
  /** Comment lines written above the step (without the `; `). */
  readonly comment?: readonly string[];
}

/**
 * The AMD hop: `AMD()` with the campaign's parameters, then back into dialstate's Stasis
 * app with the verdict. When `Stasis()` fails because the app is not connected
 * (STASISSTATUS=FAILED: dialstate is restarting), it tries again every
 * {@link HOP_RETRY_INTERVAL_MS} for `DIALSTATE_HOP_WAIT_MS` (default
 * {@link DEFAULT_HOP_WAIT_MS}), keeping the caller on the line, then hangs up with a
 * warning in Asterisk's log. The simulator runs these same steps.
 */
export function amdHopSteps(defaultApp: string): DialplanStep[] {
  const retry = HOP_RETRY_INTERVAL_MS;
  return [
    {
      exten: 's',
      label: AMD_HOP_VERSION_LABEL,
      app: 'NoOp',
      data: `dialstate AMD hop v${AMD_HOP_VERSION} for attempt \${DIALSTATE_ATTEMPT_ID}`,
      comment: [
        "Logged so the hop can be matched with dialstate's attempt in the Asterisk log. The",
        `label names the hop's version: \`dialstate doctor\` checks it is v${AMD_HOP_VERSION}.`,
      ],
    },
    {
      app: 'Set',
      data: `DIALSTATE_HOP_VERSION=${AMD_HOP_VERSION}`,
      comment: ['Readable over ARI on the channel: which hop the call went through.'],
    },
    {
      app: 'Set',
      data: `AMD_APP=\${IF(\${ISNULL(\${DIALSTATE_STASIS_APP})}?${defaultApp}:\${DIALSTATE_STASIS_APP})}`,
      comment: [
        'The app to return to. DIALSTATE_STASIS_APP is set on every originate; the fallback',
        'only matters for calls placed by other means. A second dialstate with another app',
        'name must get its own calls back, hence no hard-coded app below.',
      ],
    },
    {
      app: 'ExecIf',
      data: '$["${CHANNEL(state)}" != "Up"]?Answer()',
      comment: [
        "AMD() listens to an answered channel. dialstate's calls are already Up; the check",
        'keeps a call that arrives here unanswered (e.g. a test originate) working.',
      ],
    },
    {
      app: 'AMD',
      data: '${DIALSTATE_AMD_OPTS}',
      comment: [
        "The campaign's nine AMD() parameters, comma-joined. Unset means AMD() with no",
        'arguments, which uses the defaults of amd.conf.',
      ],
    },
    {
      app: 'Set',
      data: `${AMD_STATUS_VARIABLE}=\${AMDSTATUS}`,
      comment: [
        "dialstate's own copies: an agent's dialplan or a later AMD() may overwrite",
        'AMDSTATUS; these stay readable over ARI (GET /channels/{id}/variable).',
      ],
    },
    { app: 'Set', data: `${AMD_CAUSE_VARIABLE}=\${AMDCAUSE}` },
    { app: 'Verbose', data: '2,dialstate AMD ${DIALSTATE_ATTEMPT_ID}: ${AMDSTATUS} ${AMDCAUSE}' },
    {
      app: 'Set',
      data: `HOP_WAIT_MS=\${IF(\${ISNULL(\${DIALSTATE_HOP_WAIT_MS})}?${DEFAULT_HOP_WAIT_MS}:\${DIALSTATE_HOP_WAIT_MS})}`,
      comment: [
        'How long to keep the caller if dialstate is not connected (restarting): set at',
        `originate, ${DEFAULT_HOP_WAIT_MS} ms when unset.`,
      ],
    },
    { app: 'Set', data: 'HOP_WAITED_MS=0' },
    {
      label: 'return',
      app: 'Stasis',
      data: '${AMD_APP},amd,${DIALSTATE_ATTEMPT_ID},${AMDSTATUS},${AMDCAUSE}',
      comment: [
        'Back to dialstate with the verdict as Stasis arguments: amd, attempt id, status',
        '(HUMAN, MACHINE, NOTSURE, HANGUP) and cause (e.g. MAXWORDS-3-2).',
      ],
    },
    {
      app: 'GotoIf',
      data: '$["${STASISSTATUS}" != "FAILED"]?end',
      comment: [
        'FAILED: the app is not connected, i.e. dialstate is restarting. Keep the caller',
        `(silence) and try again every ${retry} ms; the restarted dialstate picks the call up.`,
      ],
    },
    { app: 'GotoIf', data: '$[${HOP_WAITED_MS} >= ${HOP_WAIT_MS}]?giveup' },
    { app: 'Wait', data: String(retry / 1000) },
    { app: 'Set', data: `HOP_WAITED_MS=$[\${HOP_WAITED_MS} + ${retry}]` },
    { app: 'Goto', data: 'return' },
    {
      label: 'giveup',
      app: 'Log',
      data: 'WARNING,dialstate AMD hop: Stasis app ${AMD_APP} not connected for ${HOP_WAITED_MS} ms - hanging up attempt ${DIALSTATE_ATTEMPT_ID} after AMD ${AMDSTATUS}',
    },
    {
      label: 'end',
      app: 'Hangup',
      data: '',
      comment: ['A call dialstate releases without a destination must not linger in this context.'],
    },
    {
      exten: '_X.',
      app: 'Goto',
      data: 's,1',
      comment: ['A continue that names an extension (a number) still runs the hop.'],
    },
  ];
}

/** The steps as `extensions.conf` lines, comments included. */
export function renderDialplanSteps(steps: readonly DialplanStep[]): string {
  const lines: string[] = [];
  for (const step of steps) {
    if (step.exten !== undefined && lines.length > 0) lines.push('');
    for (const comment of step.comment ?? []) lines.push(`; ${comment}`);
    const label = step.label === undefined ? '' : `(${step.label})`;
    const head =
      step.exten === undefined ? ` same => n${label}` : `exten => ${step.exten},1${label}`;
    lines.push(`${head},${step.app}(${step.data})`);
  }
  return `${lines.join('\n')}\n`;
}
