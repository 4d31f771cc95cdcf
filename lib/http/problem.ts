/**
 * RFC 9457 problem details, the one error shape of every HTTP answer the app gives: a stable
 * `type` per problem, the status, what went wrong in words, and the field at fault when there is one.
 */

export const PROBLEM_TYPE_BASE = 'https://failover.contoso.example/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The payload field at fault (`$.workloads[1]`), when there is one. */
  path?: string;
}

/** An answer the HTTP functions turn into a response. */
export interface Answer {
  status: number;
  body: ProblemBody | Record<string, unknown> | unknown[];
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** `slug` names the problem type (`payload-too-large`); underscores become dashes. */
export function problem(status: number, slug: string, detail: string, options: { path?: string | undefined; headers?: Record<string, string> } = {}): Answer {
  const body: ProblemBody = { type: `${PROBLEM_TYPE_BASE}${slug.replace(/_/g, '-')}`, title: TITLES[status] ?? 'Error', status, detail };
  if (options.path !== undefined) body.path = options.path;
  return { status, body, ...(options.headers !== undefined ? { headers: options.headers } : {}) };
}

/** The Functions response for an answer; problems go out as `application/problem+json`. */
export function toResponse(answer: Answer): { status: number; jsonBody: unknown; headers: Record<string, string> } {
  const isProblem = answer.status >= 400 && !Array.isArray(answer.body) && typeof (answer.body as ProblemBody).type === 'string';
  return {
    status: answer.status,
    jsonBody: answer.body,
    headers: { ...(isProblem ? { 'Content-Type': 'application/problem+json' } : {}), ...(answer.headers ?? {}) },
  };
}
