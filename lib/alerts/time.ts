/**
 * Azure timestamps arrive as `2021-11-17T05:34:48.0623172` (no zone: UTC), `…0000000Z`,
 * `…+00:00`, and in the events API's `queryStartTime` style `7/24/2020`. They all become
 * ISO-8601 UTC with milliseconds, the only form stored or compared anywhere in the app.
 */
import { fail } from './errors.js';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;

/** Parses a timestamp to epoch milliseconds, or undefined when it is not one. */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim();
  const iso = ISO.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = iso;
    const ms = Number((frac + '000').slice(0, 3));
    const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)] as const;
    if (!validCalendar(...fields)) return undefined;
    let epoch = utc(fields, ms);
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
      if (offsetMinutes > 18 * 60) return undefined;
      epoch -= sign * offsetMinutes * 60_000;
    }
    return epoch;
  }
  const us = US_DATE.exec(s);
  if (us) {
    const [, mo, d, y, h = '0', mi = '0', sec = '0', meridiem] = us;
    let hour = Number(h);
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
    }
    const fields = [Number(y), Number(mo), Number(d), hour, Number(mi), Number(sec)] as const;
    if (!validCalendar(...fields)) return undefined;
    return utc(fields, 0);
  }
  return undefined;
}


const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validCalendar(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** Date.UTC maps years 0-99 to 1900-1999; .NET's DateTime.MinValue (year 1) must stay year 1. */
function utc(f: readonly [number, number, number, number, number, number], ms: number): number {
  if (f[0] >= 100) return Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5], ms);
  const date = new Date(Date.UTC(2000, f[1] - 1, f[2], f[3], f[4], f[5], ms));
  date.setUTCFullYear(f[0]);
  return date.getTime();
}

/** .NET's DateTime.MinValue, which Azure writes for "not set". */
export function isUnsetIso(iso: string): boolean {
  return iso.startsWith('0001-01-01');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * ISO-8601 UTC with milliseconds, or undefined when the text is not a timestamp. UTC input (a
 * `Z`, a zero offset, or no zone at all) is reformatted from its own digits, which is several
 * times faster than a Date round trip on the intake's hot path.
 */
export function normalizeTimestamp(text: string): string | undefined {
  const iso = ISO.exec(text.trim());
  if (iso !== null) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = iso;
    const utcZone = zone === undefined || zone === 'Z' || zone === 'z' || /^[+-]00:?00$|^[+-]00$/.test(zone);
    if (utcZone) {
      if (!validCalendar(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec))) return undefined;
      if (sec === '60') return undefined;
      const ms = frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0');
      return `${y}-${mo}-${d}T${h}:${mi}:${sec}.${ms}Z`;
    }
  }
  const epoch = parseTimestamp(text);
  if (epoch === undefined || !Number.isFinite(epoch) || Math.abs(epoch) > 8.64e15) return undefined;
  const date = new Date(epoch);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return date.toISOString();
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

/** ISO-8601 UTC for a payload timestamp; an unreadable one is an error naming its path. */
export function toUtcIso(text: string, path: string): string {
  const iso = normalizeTimestamp(text);
  if (iso === undefined) return fail('invalid_field', path, `expected an ISO-8601 timestamp, got "${text.slice(0, 60)}"`);
  return iso;
}
