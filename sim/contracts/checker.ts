/**
 * Checks one exchange (a request and the simulator's answer) against Microsoft's contract:
 *   request:  the method and path are an operation of a spec, for the api-version sent; required
 *             query and header parameters are there; the body is there when required and matches
 *             the body parameter's schema (a read-only property sent is a note);
 *   response: the status is one the operation declares (else `default`, whose schema the body must
 *             then match); the body matches that status's schema, properties the spec does not
 *             define reported by JSON path. An answer ARM's front door wrote (a missing token, a
 *             bad api-version, throttling, an outage or an injected fault, before the resource
 *             provider saw the request) is ARM's, not the provider's: its body is checked against
 *             ARM's common ErrorResponse, whatever the operation's `default` says (older specs,
 *             Monitor's, declare a flat `{ code, message }` for the provider's own errors).
 * Paths no published spec covers are reported as uncovered (routes.ts), not as violations.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationIndex, type IndexedOperation } from './operations.js';
import { mountOf, uncoveredFamily } from './routes.js';
import { SchemaValidator, type Direction, type SchemaIssue } from './schema.js';
import { SpecSet, type Located, type Schema } from './specs.js';

/** Where the vendored swagger files are: test data, the oracle. */
const DEFAULT_SPECS_ROOT = fileURLToPath(new URL('../../test/contracts/azure-rest-api-specs', import.meta.url));

/**
 * ARM's error envelope for every error it writes itself
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * shows it for 429; common-types defines it for all Azure Resource Manager APIs).
 */
const ARM_ERROR_RESPONSE = { file: 'specification/common-types/resource-management/v5/types.json', pointer: '#/definitions/ErrorResponse' };

export interface Exchange {
  method: string;
  /** The path as sent (percent-encoded, no query). */
  path: string;
  query: URLSearchParams;
  /** Request headers, names lower-case. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  responseBody: unknown;
  /** The simulator's operation name for the route, which names a violation no spec operation matched. */
  route?: string;
  /** True when ARM's front door, not the resource provider, wrote the answer (an ARM path's body is then ARM's ErrorResponse). */
  frontDoor?: boolean;
}

export interface Violation {
  direction: Direction;
  /** The spec's operationId, or `METHOD path` when no operation matched. */
  operation: string;
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  jsonPath: string;
  message: string;
  /** The spec file the operation is in, when one matched. */
  spec?: string;
}

export interface CheckResult {
  operation?: string;
  spec?: string;
  /** Set when no published spec covers the path: the family and why. */
  uncovered?: { family: string; reason: string };
  violations: Violation[];
  notes: Violation[];
}

export class ContractChecker {
  readonly specs: SpecSet;
  readonly index: OperationIndex;
  readonly validator: SchemaValidator;

  constructor(root: string = DEFAULT_SPECS_ROOT) {
    this.specs = new SpecSet(root);
    this.index = new OperationIndex(this.specs);
    this.validator = new SchemaValidator(this.specs);
  }

  check(x: Exchange): CheckResult {
    const apiVersion = x.query.get('api-version');
    const result: CheckResult = { violations: [], notes: [] };
    const base = { method: x.method.toUpperCase(), path: x.path, apiVersion, status: x.status };
    const add = (direction: Direction, jsonPath: string, message: string, note = false) =>
      (note ? result.notes : result.violations).push({ direction, operation: result.operation ?? (x.route !== undefined ? `${x.route} (simulator route, no spec operation)` : `${base.method} ${x.path}`), ...base, jsonPath, message, ...(result.spec !== undefined ? { spec: result.spec } : {}) });

    const mounted = mountOf(x.path);
    const family = uncoveredFamily(x.path);
    if (family !== undefined && mounted === undefined) {
      result.uncovered = { family: family.family, reason: family.reason };
      return result;
    }
    const specPath = mounted?.rest ?? x.path;
    const scope = mounted !== undefined ? { specs: mounted.mount.specs } : { dataPlane: false as const };
    // A data plane is not behind ARM: what the pipeline answers for it is in the plane's own shape.
    const byArm = x.frontDoor === true && mounted === undefined;
    const candidates = this.index.match(base.method, specPath, x.query, scope);
    const op = candidates.find((o) => o.apiVersion === apiVersion);
    if (candidates.length === 0) {
      const known = this.index.pathKnown(specPath, scope);
      add('request', '$', known ? `the spec has this path, but no ${base.method} operation on it` : `no spec operation has this path (as the spec sees it: ${specPath})`);
    } else if (op === undefined) {
      const versions = [...new Set(candidates.map((o) => o.apiVersion))].sort();
      result.operation = candidates[0]!.id;
      add('request', '$', apiVersion === null ? `missing api-version (the spec has ${versions.join(', ')})` : `api-version '${apiVersion}' is not in the spec for ${candidates[0]!.id} (the spec has ${versions.join(', ')})`);
    } else {
      result.operation = op.id;
      result.spec = op.spec;
      for (const issue of this.checkRequest(op, x)) add('request', issue.jsonPath, issue.message, issue.note === true);
      if (!byArm) for (const issue of this.checkResponse(op, x)) add('response', issue.jsonPath, issue.message);
    }
    if (byArm) for (const issue of this.checkArmError(x)) add('response', issue.jsonPath, issue.message);
    return result;
  }

  /** An answer ARM's front door wrote: an error status, with ARM's ErrorResponse as its body. */
  private checkArmError(x: Exchange): SchemaIssue[] {
    if (x.status < 400) return [{ jsonPath: '$', message: `ARM's front door answered ${x.status}: it only ever answers for itself with an error` }];
    if (x.responseBody === undefined || x.responseBody === '') return [{ jsonPath: '$', message: `expected ARM's ErrorResponse body for status ${x.status}, got none` }];
    const schema = this.specs.resolveRef<Schema>(ARM_ERROR_RESPONSE.pointer, join(this.specs.root, ARM_ERROR_RESPONSE.file));
    return this.validator.validate(x.responseBody, schema, { direction: 'response', method: x.method.toUpperCase() });
  }

  private checkRequest(op: IndexedOperation, x: Exchange): SchemaIssue[] {
    const out: SchemaIssue[] = [];
    let body: Located<Schema> | undefined;
    let bodyRequired = false;
    for (const { node: p, file } of op.parameters) {
      if (p.in === 'body') {
        if (p.schema !== undefined) body = { node: p.schema, file };
        bodyRequired = p.required === true;
      } else if (p.in === 'query' && p.required === true && !x.query.has(p.name)) {
        out.push({ jsonPath: '$', message: `missing required query parameter '${p.name}'` });
      } else if (p.in === 'header' && p.required === true && x.headers[p.name.toLowerCase()] === undefined) {
        out.push({ jsonPath: '$', message: `missing required header '${p.name}'` });
      }
    }
    if (x.body === undefined) {
      if (bodyRequired) out.push({ jsonPath: '$', message: `missing required request body` });
      return out;
    }
    if (body === undefined) {
      out.push({ jsonPath: '$', message: `${op.id} takes no request body, got one` });
      return out;
    }
    return [...out, ...this.validator.validate(x.body, body, { direction: 'request', method: x.method })];
  }

  private checkResponse(op: IndexedOperation, x: Exchange): SchemaIssue[] {
    const declared = op.op.responses[String(x.status)];
    if (declared === undefined && x.status === 304 && isConditionalRead(x)) {
      // HTTP's own answer to a conditional GET or HEAD whose validator still matches (RFC 9110
      // §15.4.5), which specs leave undeclared (App Configuration's REST reference shows it for
      // If-None-Match): valid for any such read, and it never has a body.
      return x.responseBody === undefined || x.responseBody === '' ? [] : [{ jsonPath: '$', message: 'a 304 (Not Modified) answer has no body, got one' }];
    }
    // `default` describes errors: an undeclared success status is a breach whatever its body.
    const response = declared ?? (x.status >= 400 ? op.op.responses['default'] : undefined);
    if (response === undefined) {
      const statuses = Object.keys(op.op.responses).join(', ');
      return [{ jsonPath: '$', message: `status ${x.status} is not declared for ${op.id} (the spec has ${statuses})` }];
    }
    const resolved = this.specs.deref(response, op.file);
    const schema = resolved.node.schema;
    const hasBody = x.responseBody !== undefined && x.responseBody !== '';
    if (schema === undefined) {
      return hasBody ? [{ jsonPath: '$', message: `the spec declares no body for status ${x.status} of ${op.id}, got one` }] : [];
    }
    if (!hasBody) {
      // HEAD answers carry no body whatever the schema says.
      return x.method.toUpperCase() === 'HEAD' ? [] : [{ jsonPath: '$', message: `expected a body for status ${x.status} of ${op.id}, got none` }];
    }
    const issues = this.validator.validate(x.responseBody, { node: schema, file: resolved.file }, { direction: 'response', method: x.method.toUpperCase() });
    if (declared === undefined && issues.length > 0) {
      const statuses = Object.keys(op.op.responses).filter((s) => s !== 'default').join(', ');
      return [{ jsonPath: '$', message: `status ${x.status} is not declared for ${op.id} (the spec has ${statuses}), and the body does not match its default (error) response` }, ...issues];
    }
    return issues;
  }
}

/** A GET or HEAD with a validator to compare (If-None-Match, If-Modified-Since). */
function isConditionalRead(x: Exchange): boolean {
  const method = x.method.toUpperCase();
  return (method === 'GET' || method === 'HEAD') && (x.headers['if-none-match'] !== undefined || x.headers['if-modified-since'] !== undefined);
}

let shared: ContractChecker | undefined;

/** One checker per process for the vendored specs: they are read and indexed once. */
export function defaultChecker(): ContractChecker {
  shared ??= new ContractChecker();
  return shared;
}
