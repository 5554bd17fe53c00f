// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk writes its variables ${LIKE_THIS}; these strings are dialplan, not templates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AI_HANDOFF_EXAMPLE_CONTEXT,
  DEFAULT_AMD_DIALPLAN_NAMES,
  renderAmdDialplan,
} from '../../src/ari/amd-dialplan.js';

const SHIPPED = new URL('../../dialplan/extensions_dialstate.conf', import.meta.url);

/** The dialplan lines of one context (comments and blank lines dropped), as `exten,app(args)`. */
function contextSteps(text: string, context: string): string[] {
  const steps: string[] = [];
  let inside = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inside = line === `[${context}]`;
      continue;
    }
    if (!inside || line === '' || line.startsWith(';')) continue;
    const match = /^(?:exten => ([^,]+),\d+|same => n)(\([\w-]+\))?,(.*)$/.exec(line);
    if (!match) throw new Error(`not a dialplan line: ${line}`);
    const step = `${match[2] ?? ''}${match[3] ?? ''}`;
    steps.push(match[1] ? `${match[1]}: ${step}` : step);
  }
  return steps;
}

describe('renderAmdDialplan', () => {
  const defaults = renderAmdDialplan(DEFAULT_AMD_DIALPLAN_NAMES);

  it('is what dialplan/extensions_dialstate.conf ships, so the two cannot drift', () => {
    expect(readFileSync(SHIPPED, 'utf8')).toBe(defaults);
  });

  it('runs AMD with the campaign options and reports back to Stasis with the attempt id', () => {
    expect(contextSteps(defaults, 'aava-outbound-amd')).toEqual([
      's: (dialstate_hop_v2)NoOp(dialstate AMD hop v2 for attempt ${DIALSTATE_ATTEMPT_ID})',
      'Set(DIALSTATE_HOP_VERSION=2)',
      'Set(AMD_APP=${IF(${ISNULL(${DIALSTATE_STASIS_APP})}?dialstate:${DIALSTATE_STASIS_APP})})',
      'ExecIf($["${CHANNEL(state)}" != "Up"]?Answer())',
      'AMD(${DIALSTATE_AMD_OPTS})',
      'Set(DIALSTATE_AMDSTATUS=${AMDSTATUS})',
      'Set(DIALSTATE_AMDCAUSE=${AMDCAUSE})',
      'Verbose(2,dialstate AMD ${DIALSTATE_ATTEMPT_ID}: ${AMDSTATUS} ${AMDCAUSE})',
      'Set(HOP_WAIT_MS=${IF(${ISNULL(${DIALSTATE_HOP_WAIT_MS})}?15000:${DIALSTATE_HOP_WAIT_MS})})',
      'Set(HOP_WAITED_MS=0)',
      '(return)Stasis(${AMD_APP},amd,${DIALSTATE_ATTEMPT_ID},${AMDSTATUS},${AMDCAUSE})',
      'GotoIf($["${STASISSTATUS}" != "FAILED"]?end)',
      'GotoIf($[${HOP_WAITED_MS} >= ${HOP_WAIT_MS}]?giveup)',
      'Wait(0.5)',
      'Set(HOP_WAITED_MS=$[${HOP_WAITED_MS} + 500])',
      'Goto(return)',
      '(giveup)Log(WARNING,dialstate AMD hop: Stasis app ${AMD_APP} not connected for ${HOP_WAITED_MS} ms - hanging up attempt ${DIALSTATE_ATTEMPT_ID} after AMD ${AMDSTATUS})',
      '(end)Hangup()',
      '_X.: Goto(s,1)',
    ]);
  });

  it("sets none of the AAVA_ correlation variables AAVA's engine would take for its own", () => {
    const hop = contextSteps(defaults, 'aava-outbound-amd').join('\n');
    expect(hop).not.toMatch(/AAVA_/);
    // No h extension: Asterisk does not run it for these calls.
    expect(hop).not.toMatch(/^h:/m);
  });

  it('renders the configured context and fallback app, and nothing else per deployment', () => {
    const custom = renderAmdDialplan({ amdContext: 'amd-b', defaultApp: 'dialer_b' });
    expect(custom).toContain('\n[amd-b]\n');
    expect(custom).not.toContain('[aava-outbound-amd]');
    expect(contextSteps(custom, 'amd-b')).toContain(
      'Set(AMD_APP=${IF(${ISNULL(${DIALSTATE_STASIS_APP})}?dialer_b:${DIALSTATE_STASIS_APP})})',
    );
    // Same steps otherwise: the names are the only difference.
    expect(
      custom.replaceAll('amd-b', 'aava-outbound-amd').replaceAll('dialer_b', 'dialstate'),
    ).toBe(defaults);
  });

  it('balances every parenthesis and variable brace', () => {
    for (const line of defaults.split('\n').filter((l) => !l.startsWith(';'))) {
      let depth = 0;
      for (const char of line) {
        if (char === '(' || char === '{') depth += 1;
        if (char === ')' || char === '}') depth -= 1;
        expect(depth, line).toBeGreaterThanOrEqual(0);
      }
      expect(depth, line).toBe(0);
    }
  });

  it('includes the ai-handoff example, marked as one, unless asked not to', () => {
    expect(defaults).toContain('; EXAMPLE ONLY');
    expect(contextSteps(defaults, AI_HANDOFF_EXAMPLE_CONTEXT)).toContain(
      'UserEvent(AiHandoff,ai_context: ${AI_CONTEXT},ai_provider: ${AI_PROVIDER},ai_agent: ${AI_AGENT})',
    );
    const without = renderAmdDialplan({ ...DEFAULT_AMD_DIALPLAN_NAMES, aiHandoffExample: false });
    expect(without).not.toContain(`[${AI_HANDOFF_EXAMPLE_CONTEXT}]`);
    expect(without).toContain('[aava-outbound-amd]');
  });

  it.each([
    ['amdContext', 'amd context'],
    ['amdContext', ''],
    ['amdContext', 'amd;x'],
    ['defaultApp', 'app,amd'],
    ['defaultApp', '${EVIL}'],
    ['defaultApp', 'dialstate)'],
  ] as const)('rejects %s %j', (field, value) => {
    expect(() => renderAmdDialplan({ ...DEFAULT_AMD_DIALPLAN_NAMES, [field]: value })).toThrow(
      new RangeError(
        `${field} ${JSON.stringify(value)} must be letters, digits, "-" or "_" (it is used unquoted in the dialplan)`,
      ),
    );
  });
});
