import { describe, expect, it } from 'vitest';
import { parseTimestamp, toUtcIso } from '../../lib/alerts/time.js';
import { PayloadError } from '../../lib/alerts/errors.js';

describe('timestamps', () => {
  it.each([
    ['2021-11-17T05:34:48.0623172', '2021-11-17T05:34:48.062Z'],
    ['2017-10-18T02:48:00.0000000Z', '2017-10-18T02:48:00.000Z'],
    ['2021-11-17T05:34:44.5778226+00:00', '2021-11-17T05:34:44.577Z'],
    ['2021-11-17T07:34:44+02:00', '2021-11-17T05:34:44.000Z'],
    ['2021-11-16T22:34:44-0700', '2021-11-17T05:34:44.000Z'],
    ['2021-11-17 05:34:44Z', '2021-11-17T05:34:44.000Z'],
    ['2021-11-17', '2021-11-17T00:00:00.000Z'],
    ['7/24/2020', '2020-07-24T00:00:00.000Z'],
    ['7/24/2020 3:05:09 PM', '2020-07-24T15:05:09.000Z'],
    ['  2024-02-29T23:59:59.999Z ', '2024-02-29T23:59:59.999Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(toUtcIso(input, '$.t')).toBe(expected);
  });

  it.each(['yesterday', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '13/1/2024', '2024-01-01T00:00:00+25:00', ''])(
    'rejects %j with the path',
    (input) => {
      expect(() => toUtcIso(input, '$.data.eventTimestamp')).toThrow(PayloadError);
      try {
        toUtcIso(input, '$.data.eventTimestamp');
      } catch (err) {
        expect((err as PayloadError).detail.path).toBe('$.data.eventTimestamp');
      }
    },
  );

  it('keeps year 1 as year 1 (.NET MinValue), not 1901', () => {
    expect(new Date(parseTimestamp('0001-01-01T00:00:00')!).getUTCFullYear()).toBe(1);
  });
});
