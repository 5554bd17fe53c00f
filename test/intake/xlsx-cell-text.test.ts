import { describe, expect, it } from 'vitest';
import { xlsxCellText } from '../../src/intake/xlsx-cell-text.js';

describe('xlsxCellText', () => {
  it('prints numbers as Excel shows them, whole numbers never in exponent form', () => {
    expect(xlsxCellText(14155550101)).toBe('14155550101');
    expect(xlsxCellText(447946095800000)).toBe('447946095800000');
    expect(xlsxCellText(0.1 + 0.2)).toBe('0.3');
    expect(xlsxCellText(-12.5)).toBe('-12.5');
    expect(xlsxCellText(1e21)).toBe('1000000000000000000000');
  });

  it('pads a number to the zeros of its format, and only for an all-zero format', () => {
    expect(xlsxCellText(412345678, '0000000000')).toBe('0412345678');
    expect(xlsxCellText(412345678, '#,##0')).toBe('412345678');
  });

  it('keeps text as typed, leading zeros included', () => {
    expect(xlsxCellText('0044 20 7946 0958')).toBe('0044 20 7946 0958');
  });

  it('writes dates as ISO text, with the time only when there is one', () => {
    expect(xlsxCellText(new Date(Date.UTC(2026, 0, 31)))).toBe('2026-01-31');
    expect(xlsxCellText(new Date(Date.UTC(2026, 0, 31, 17, 5, 9)))).toBe('2026-01-31T17:05:09');
  });

  it('uses the cached result of a formula, and nothing when there is none', () => {
    expect(xlsxCellText({ formula: 'A1*2', result: 84 })).toBe('84');
    expect(xlsxCellText({ sharedFormula: 'A2', result: 'x' })).toBe('x');
    expect(xlsxCellText({ formula: 'NOW()' })).toBe('');
    expect(xlsxCellText({ formula: '1/0', result: { error: '#DIV/0!' } })).toBe('#DIV/0!');
  });

  it('reads rich text, hyperlinks, errors and booleans as their shown text', () => {
    expect(xlsxCellText({ richText: [{ text: 'Ann ' }, { text: 'Lee' }] })).toBe('Ann Lee');
    expect(xlsxCellText({ text: 'site', hyperlink: 'https://example.com' })).toBe('site');
    expect(xlsxCellText({ error: '#N/A' })).toBe('#N/A');
    expect(xlsxCellText(true)).toBe('TRUE');
    expect(xlsxCellText(null)).toBe('');
  });
});
