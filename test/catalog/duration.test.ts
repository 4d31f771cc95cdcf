/** Catalog durations: shorthand and ISO-8601 in, milliseconds and normalized ISO-8601 out. */
import { describe, expect, it } from 'vitest';
import { formatIsoDuration, parseDuration } from '../../lib/catalog/index.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000, 'PT1M30S'],
    ['10m', 600_000, 'PT10M'],
    ['1h30m', 5_400_000, 'PT1H30M'],
    ['2d', 172_800_000, 'P2D'],
    ['1d2h3m4s', 93_784_000, 'P1DT2H3M4S'],
    ['PT10M', 600_000, 'PT10M'],
    ['PT1H30M', 5_400_000, 'PT1H30M'],
    ['P1D', 86_400_000, 'P1D'],
    ['P1DT12H', 129_600_000, 'P1DT12H'],
    ['P1W', 604_800_000, 'P7D'],
    ['PT90M', 5_400_000, 'PT1H30M'],
    ['PT1.5S', 1_500, 'PT1.5S'],
    ['pt10m', 600_000, 'PT10M'],
    [' 10m ', 600_000, 'PT10M'],
  ])('reads %s', (text, ms, iso) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: { ms, iso } });
  });

  it('accepts zero only when asked to', () => {
    expect(parseDuration('0s')).toEqual({ ok: false, message: "must be longer than zero; got '0s'" });
    expect(parseDuration('PT0S', { allowZero: true })).toEqual({ ok: true, value: { ms: 0, iso: 'PT0S' } });
  });

  it.each([
    ['10', 'expected a duration such as'],
    ['10 minutes', 'expected a duration such as'],
    ['10M', 'expected a duration such as'],
    ['1m30h', 'expected a duration such as'],
    ['P', 'expected a duration such as'],
    ['PT', 'expected a duration such as'],
    ['P1DT', 'expected a duration such as'],
    ['', 'expected a duration such as'],
    ['-5m', 'a duration cannot be negative'],
    ['-PT5M', 'a duration cannot be negative'],
    ['P1M', 'years and months have no fixed length'],
    ['P1Y', 'years and months have no fixed length'],
    ['99999999999999999d', 'is too long'],
  ])('rejects %j', (text, message) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('formats milliseconds as ISO-8601', () => {
    expect([0, 1_000, 61_000, 3_600_000, 90_061_000].map(formatIsoDuration)).toEqual(['PT0S', 'PT1S', 'PT1M1S', 'PT1H', 'P1DT1H1M1S']);
  });
});
