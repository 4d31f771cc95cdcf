export type * from './signal.js';
export { blankSignal } from './signal.js';
export type { ParseError, ParseErrorCode, ParseResult } from './errors.js';
export { formatParseError } from './errors.js';
export { parseAlert, parsePayload, type ParsedPayload, type ParseOptions } from './parse.js';
export { parseImpactedServices } from './impacted-services.js';
export { canonicalRegion, isKnownRegion, KNOWN_REGIONS } from './regions.js';
export { serviceKey, sameService } from './services.js';
export { createManualSignal, type ManualRequest } from './manual.js';
