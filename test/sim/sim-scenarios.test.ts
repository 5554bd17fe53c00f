import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO,
  NUMBER_SUFFIX_RULES,
  SCENARIOS,
  scenarioFor,
} from '../../src/sim/sim-scenarios.js';

describe('the far-end number rules', () => {
  it('picks the far end by the last two digits of the number', () => {
    expect(scenarioFor('+15550100104').name).toBe('machine');
    expect(scenarioFor('6007').name).toBe('busy');
    expect(scenarioFor('0210').name).toBe('invalid-number');
    expect(scenarioFor('5550115').name).toBe('hangup-during-talk');
  });

  it('answers with a human who presses 1 for every other number', () => {
    for (const number of ['5550199', '7', '', '5550100', '5550118']) {
      expect(scenarioFor(number).name).toBe(DEFAULT_SCENARIO);
    }
    expect(SCENARIOS[DEFAULT_SCENARIO].keypress?.digit).toBe('1');
  });

  it('checks rules given at creation first, by exact number or pattern', () => {
    const custom = { ...SCENARIOS.human, name: 'quick', ringMs: 100 };
    const rules = [
      { number: '5550104', scenario: 'busy' as const },
      { number: /^999/, scenario: custom },
    ];
    expect(scenarioFor('5550104', rules).name).toBe('busy');
    expect(scenarioFor('9990107', rules)).toBe(custom);
    expect(scenarioFor('5550107', rules).name).toBe('busy');
    expect(scenarioFor('5550102', rules).name).toBe('consent-deny');
  });

  it('gives every suffix its own scenario', () => {
    const suffixes = NUMBER_SUFFIX_RULES.map((rule) => rule.suffix);
    expect(new Set(suffixes).size).toBe(suffixes.length);
    expect(new Set(NUMBER_SUFFIX_RULES.map((rule) => rule.scenario)).size).toBe(suffixes.length);
  });
});
