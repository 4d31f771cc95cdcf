/**
 * The durable side of the local host: the runtime over the app's captured registrations, and
 * the HTTP API that `df.getClient(context)` and management scripts talk to.
 */
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { DurableRuntimeFactory } from '../host.js';
import type { Registry } from '../registry.js';
import { durableClientInputs } from '../functions-core.js';
import { createDurableHttpApi, type DurableHttpBridge } from './http-api.js';
import type { Handler } from './invoke.js';
import { DurableRuntime, type DurableFunctions, type RuntimeOptions } from './runtime.js';

export { DurableRuntime, runUntilIdle, seededRandom } from './runtime.js';
export type { DurableHttpBridge } from './http-api.js';
export { checkRecordedHistory, replayHistory, type HistoryCheck, type RecordedInstance, type ReplayReport } from './replay-check.js';

/** Orchestrators and activities by name, from the registrations `df.app.*` made. */
export function durableFunctionsOf(registry: Registry): DurableFunctions {
  const find = (name: string, type: string): Handler | undefined => {
    const fn = registry.get(name);
    return fn !== undefined && fn.trigger.type.toLowerCase() === type.toLowerCase() ? (fn.handler as Handler) : undefined;
  };
  return {
    orchestrator: (name) => find(name, 'orchestrationTrigger'),
    activity: (name) => find(name, 'activityTrigger'),
    activityClientInputs: (name) => {
      const fn = registry.get(name);
      return fn === undefined ? [] : durableClientInputs(fn);
    },
  };
}

export interface DurableHostOptions extends Omit<RuntimeOptions, 'functions'> {
  registry: Registry;
  clock: Clock;
  taskHubName: string;
  /** The key management calls must carry; the host's master key. */
  systemKey: string;
}

export function createDurableRuntime(options: DurableHostOptions): { runtime: DurableRuntime; http: DurableHttpBridge } {
  const { registry, taskHubName, systemKey, ...rest } = options;
  const runtime = new DurableRuntime({ ...rest, functions: durableFunctionsOf(registry) });
  return { runtime, http: createDurableHttpApi({ runtime, taskHubName, systemKey }) };
}

/**
 * The factory the local host calls at start-up: the runtime keeps its journal under
 * `<dataDir>/durable`, answers management calls with the host's master key, and logs through
 * the host's logger. `onCreated` hands the runtime to whoever drives it directly (tests, the demo).
 */
export function durableRuntimeFactory(extra: Partial<RuntimeOptions> = {}, onCreated?: (runtime: DurableRuntime) => void): DurableRuntimeFactory {
  return ({ registry, clock, dataDir, masterKey, taskHubName, overridableExistingInstanceStates, maxConcurrentActivityFunctions, logger }) => {
    const { runtime, http } = createDurableRuntime({
      registry,
      clock,
      overridableExistingInstanceStates,
      ...(maxConcurrentActivityFunctions !== undefined ? { activityConcurrency: maxConcurrentActivityFunctions } : {}),
      dataDir: join(dataDir, 'durable'),
      taskHubName,
      systemKey: masterKey,
      log: (message) => logger({ level: 'information', category: 'host', message }),
      ...extra,
    });
    onCreated?.(runtime);
    return {
      clientData: (origin) => http.clientData(origin),
      handle: (req, res, url) => http.handle(req, res, url),
      // Activities with a durable client input reach the management API at the host's URL.
      start: (url) => void (runtime.activityClientData = () => http.clientData(url)),
      close: () => runtime.close(),
    };
  };
}
