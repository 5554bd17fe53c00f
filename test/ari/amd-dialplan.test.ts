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
    const match = /^(?:exten => ([^,]+),[^,]+|same => n),(.*)$/.exec(line);
    if (!match) throw new Error(`not a dialplan line: ${line}`);
    steps.push(match[1] ? `${match[1]}: ${match[2]}` : (match[2] ?? ''));
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
      's: NoOp(dialstate AMD hop for attempt ${AAVA_ATTEMPT_ID})',
      'Set(AMD_APP=${IF(${ISNULL(${AAVA_STASIS_APP})}?dialstate:${AAVA_STASIS_APP})})',
      'ExecIf($["${CHANNEL(state)}" != "Up"]?Answer())',
      'AMD(${AAVA_AMD_OPTS})',
      'Set(AAVA_AMDSTATUS=${AMDSTATUS})',
      'Set(AAVA_AMDCAUSE=${AMDCAUSE})',
      'Verbose(2,dialstate AMD ${AAVA_ATTEMPT_ID}: ${AMDSTATUS} ${AMDCAUSE})',
      'Stasis(${AMD_APP},amd,${AAVA_ATTEMPT_ID},${AMDSTATUS},${AMDCAUSE})',
      'Hangup()',
      '_X.: Goto(s,1)',
      'h: Verbose(2,dialstate AMD hop ended for attempt ${AAVA_ATTEMPT_ID}: ${AAVA_AMDSTATUS})',
    ]);
  });

  it('renders the configured context and fallback app, and nothing else per deployment', () => {
    const custom = renderAmdDialplan({ amdContext: 'amd-b', defaultApp: 'dialer_b' });
    expect(custom).toContain('\n[amd-b]\n');
    expect(custom).not.toContain('[aava-outbound-amd]');
    expect(contextSteps(custom, 'amd-b')).toContain(
      'Set(AMD_APP=${IF(${ISNULL(${AAVA_STASIS_APP})}?dialer_b:${AAVA_STASIS_APP})})',
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
