/**
 * Any ARM resource by id at a given api-version, as JSON: what `failover infra plan` reads to
 * compare a generated template with what exists (as a what-if does), for resource types whose
 * SDK pins another api-version than the template's (`@azure/arm-monitor` 7 reads action groups at
 * 2021-09-01 and alert rules at 2017-04-01; the template writes 2023-01-01 and 2020-10-01).
 */
import { RestError } from '@azure/core-rest-pipeline';
import { JsonServiceClient } from './json-client.js';

export class ArmResourcesClient extends JsonServiceClient {
  /** The resource, or null when ARM answers 404 (it does not exist, or neither does its parent). */
  async get(resourceId: string, apiVersion: string): Promise<Record<string, unknown> | null> {
    try {
      return await this.call<Record<string, unknown>>('GET', `${resourceId}?api-version=${encodeURIComponent(apiVersion)}`);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return null;
      throw err;
    }
  }

  /** Creates or replaces the resource (a template's resource as one request). */
  put(resourceId: string, apiVersion: string, body: unknown): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>('PUT', `${resourceId}?api-version=${encodeURIComponent(apiVersion)}`, body);
  }

  /** Every item of a list (following `nextLink`). */
  list(collectionPath: string, apiVersion: string): Promise<Record<string, unknown>[]> {
    return this.pages<Record<string, unknown>>(`${collectionPath}?api-version=${encodeURIComponent(apiVersion)}`, 'nextLink');
  }
}
