/**
 * Catalog durations. People write `10m` and `1h30m`; Azure and ARM templates write `PT10M`. Both
 * are accepted and both become one normalized form, so the rest of the app compares milliseconds
 * and logs a single spelling.
 */

/** A parsed duration: `ms` for arithmetic, `iso` (normalized ISO-8601, e.g. `PT1H30M`) for display. */
export interface Duration {
  readonly iso: string;
  readonly ms: number;
}

export type DurationResult = { ok: true; value: Duration } | { ok: false; message: string };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** A day is 24 hours here: guardrail windows are elapsed time, not calendar days. */
const DAY = 24 * HOUR;

const SHORTHAND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;
/** Years and months have no fixed length, so a window written with them is refused, not guessed. */
const ISO_CALENDAR = /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T.*)?$/;

export const DURATION_EXAMPLES = '90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D';

export function parseDuration(text: string, options: { allowZero?: boolean } = {}): DurationResult {
  const trimmed = text.trim();
  const ms = toMs(trimmed);
  if (ms === null) {
    if (/^-/.test(trimmed)) return { ok: false, message: `a duration cannot be negative; got '${text}'` };
    if (/^P/i.test(trimmed) && ISO_CALENDAR.test(trimmed.toUpperCase()) && /[YM]/i.test(trimmed.split(/T/i)[0] ?? '')) {
      return { ok: false, message: `years and months have no fixed length; write days instead (P30D or 30d); got '${text}'` };
    }
    return { ok: false, message: `expected a duration such as ${DURATION_EXAMPLES}; got '${text}'` };
  }
  if (!Number.isSafeInteger(ms)) return { ok: false, message: `duration '${text}' is too long` };
  if (ms === 0 && options.allowZero !== true) {
    return { ok: false, message: `must be longer than zero; got '${text}'` };
  }
  return { ok: true, value: { iso: formatIsoDuration(ms), ms } };
}

function toMs(text: string): number | null {
  if (text === '') return null;
  const short = SHORTHAND.exec(text);
  if (short) {
    const [, d, h, m, s] = short;
    return num(d) * DAY + num(h) * HOUR + num(m) * MINUTE + num(s) * SECOND;
  }
  const upper = text.toUpperCase();
  // `P` alone and `PT` with no time part are syntactically empty.
  if (upper === 'P' || upper.endsWith('T')) return null;
  const iso = ISO.exec(upper);
  if (!iso) return null;
  const [, w, d, h, m, s] = iso;
  return num(w) * 7 * DAY + num(d) * DAY + num(h) * HOUR + num(m) * MINUTE + Math.round(Number(s ?? '0') * SECOND);
}

function num(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits);
}

/** `5400000` → `PT1H30M`; `0` → `PT0S`. */
export function formatIsoDuration(ms: number): string {
  let rest = ms;
  const days = Math.floor(rest / DAY);
  rest -= days * DAY;
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = rest / SECOND;
  let time = '';
  if (hours > 0) time += `${hours}H`;
  if (minutes > 0) time += `${minutes}M`;
  if (seconds > 0) time += `${seconds}S`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;
}
