/**
 * The operator endpoints' shared request handling: the services (a 503 naming the settings when
 * they are unusable), who is calling, the body as text (as sent: forms are not converted), and a
 * problem instead of a 500 when storage or the durable endpoint fails.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { servicesForRequest, type AppServices } from '../lib/composition.js';
import { CatalogUnavailableError } from '../lib/catalog/source.js';
import { problem, toResponse, type Answer } from '../lib/http/problem.js';
import { isTransient } from '../lib/errors/transient.js';
import { identifyCaller, named } from '../lib/operators/identity.js';
import type { Identify, OperatorDeps } from '../lib/operators/incidents.js';

export interface OperatorCall {
  services: AppServices;
  deps: OperatorDeps;
  /** The caller, with the name an unverified caller gives in the body (`by`). */
  identify: Identify;
  /** The body as JSON text. */
  body: string;
}

/**
 * Runs an on-call request: the services, the caller's identity (`via` says what got them past
 * the host: the on-call key, or a signed link the route checked), then `act`.
 */
export async function handleOperatorCall(
  request: HttpRequest,
  context: InvocationContext,
  act: (call: OperatorCall) => Promise<Answer>,
  via: 'function-key' | 'signed-link' = 'function-key',
): Promise<HttpResponseInit> {
  const ready = servicesForRequest((message) => context.error(message));
  if (!ready.ok) return toResponse(ready.answer);
  const services = ready.services;
  const settings = { appServiceAuth: services.config.appServiceAuth, operatorTokens: services.operatorTokens, operatorRole: services.config.operatorRole };
  const auth = await identifyCaller(request.headers, settings, via);
  if (!auth.ok) return toResponse(auth.answer);
  const identify: Identify = (claimed) => named(auth.caller, claimed);
  const deps: OperatorDeps = {
    client: df.getClient(context),
    catalog: services.catalog,
    claims: services.stores.incidentClaims,
    workflows: services.stores.workflowRecords,
    archive: services.archive,
    stops: services.stores.stopRequests,
    baseUrl: services.config.publicBaseUrl ?? new URL(request.url).origin,
    now: () => new Date(),
    notifications: services.notifications,
  };
  try {
    // The body as sent: forms are not turned into JSON (browsers act through signed links, never a key route).
    return toResponse(await act({ services, deps, identify, body: await request.text() }));
  } catch (err) {
    context.error(`operator call ${request.method} ${new URL(request.url).pathname} failed: ${(err as Error).stack ?? String(err)}`);
    if (err instanceof CatalogUnavailableError) return toResponse(problem(503, 'catalog-unavailable', err.message, { headers: { 'Retry-After': '60' } }));
    const transient = isTransient(err);
    return toResponse(
      problem(503, transient ? 'busy' : 'operator-call-failed', transient ? 'storage or the durable endpoint is busy; try again' : `the request could not be completed: ${(err as Error).message}`, {
        headers: { 'Retry-After': transient ? '5' : '30' },
      }),
    );
  }
}
