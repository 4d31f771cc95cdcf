/**
 * The error body of resource providers whose specs declare a flat `ErrorResponse` `{code, message}`
 * for their `default` response rather than ARM's `{error: {code, message}}`: Azure Monitor's
 * action groups (2021-09-01), Activity Log alerts (2017-04-01) and Activity Log (2015-04-01), and
 * Resource Health (2022-10-01). Only the provider's own refusals take this shape; refusals ARM's
 * front door makes before the request reaches the provider (no token, throttling, api-version,
 * a region outage) keep ARM's envelope. The SDKs read either: core-client takes `code` and
 * `message` from `body.error` when there is one, else from the body itself.
 */
import type { SimResponse } from '../types.js';

export function flatError(status: number, code: string, message: string): SimResponse {
  return { status, body: { code, message }, headers: {} };
}
