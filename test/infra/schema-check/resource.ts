/**
 * A resource as the schema checks see it, whether it came from an ARM JSON template or a Bicep
 * declaration, and the keys each language adds around the resource provider's body.
 */
import { isRecord } from './finding.js';

/** Where a template deploys: decides which of the schemas' resource sections applies. */
export type DeployScope = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

export interface ResourceUnderCheck {
  file: string;
  label: string;
  /** The resource as written: ARM JSON, or a Bicep body read into the same shape (expressions as `[...]`). */
  resource: Record<string, unknown>;
  type: string;
  apiVersion: string;
  scope: DeployScope;
  dialect: 'arm' | 'bicep';
  /** Bicep `existing`: a reference, so only its name, scope and parent are written. */
  existing?: boolean;
  /** Bicep: the line of each path in `resource`, for findings. */
  lines?: ReadonlyMap<string, number>;
}

/**
 * Keys of a resource that belong to the template language, not to the provider's body
 * (deploymentTemplate.json#/definitions/resourceBase and the nested deployment's target).
 * `type` and `apiVersion` pick the schema; the checks do not validate them against themselves.
 */
const ARM_KEYS = new Set(['type', 'apiVersion', 'condition', 'copy', 'dependsOn', 'comments', 'scope']);
/** ARM reads these only on nested deployments (the subscription and resource group they target). */
const ARM_DEPLOYMENT_KEYS = new Set(['subscriptionId', 'resourceGroup']);
/** Bicep's own resource keys: `parent` for a child, `scope` for an extension resource, `dependsOn`. */
const BICEP_KEYS = new Set(['type', 'apiVersion', 'parent', 'scope', 'dependsOn']);

export function isLanguageKey(r: ResourceUnderCheck, key: string): boolean {
  if (r.dialect === 'bicep') return BICEP_KEYS.has(key);
  return ARM_KEYS.has(key) || (ARM_DEPLOYMENT_KEYS.has(key) && r.type.toLowerCase() === 'microsoft.resources/deployments');
}

/** The provider's body alone: the resource without the language's keys. */
export function providerBody(r: ResourceUnderCheck): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r.resource).filter(([key]) => !isLanguageKey(r, key)));
}

/** An extension resource (a role assignment on another resource) names its target in `scope`. */
export function isExtension(r: ResourceUnderCheck): boolean {
  return r.resource.scope !== undefined;
}

/**
 * How many `/`-separated segments the name must have: one per level of the type below the
 * namespace in ARM JSON (`account/default/container`), one in Bicep when `parent` gives the rest.
 */
export function nameSegments(r: ResourceUnderCheck): number {
  if (r.dialect === 'bicep' && r.resource.parent !== undefined) return 1;
  return r.type.split('/').length - 1;
}

/** A copy without null-valued properties: ARM treats null as not given. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
