import { describe, expect, it } from 'vitest';
import { isSameOrChildResource, parseResourceId, resourceIdKey, subscriptionOf } from '../../lib/azure/resource-id.js';

const ACCOUNT = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu';

describe('resource ids', () => {
  it('parses a nested resource id', () => {
    expect(parseResourceId(`${ACCOUNT}/streamingEndpoints/default`)).toEqual({
      id: `${ACCOUNT}/streamingEndpoints/default`,
      subscriptionId: '11111111-1111-1111-1111-111111111111',
      resourceGroup: 'rg-media-weu',
      provider: 'Microsoft.Media',
      type: 'Microsoft.Media/mediaservices/streamingEndpoints',
      names: ['contosomediaweu', 'default'],
    });
  });

  it('parses subscription and resource-group scopes, case-insensitively', () => {
    expect(parseResourceId('/SUBSCRIPTIONS/abc')).toMatchObject({ subscriptionId: 'abc', resourceGroup: null, provider: null });
    expect(parseResourceId('/subscriptions/abc/resourcegroups/rg/')).toMatchObject({ resourceGroup: 'rg', type: null });
  });

  it('rejects what is not an ARM id', () => {
    expect(parseResourceId('contosomediaweu')).toBeNull();
    expect(parseResourceId('/subscriptions/abc/resourceGroups/rg/providers/Microsoft.Media/mediaservices')).toBeNull();
    expect(parseResourceId('/subscriptions/abc/resourceGroups/rg/providers/Microsoft.Media//x')).toBeNull();
  });

  it('compares ids the way ARM does', () => {
    expect(resourceIdKey(`${ACCOUNT.toUpperCase()}/`)).toBe(ACCOUNT.toLowerCase());
    expect(isSameOrChildResource(`${ACCOUNT.toLowerCase()}/streamingEndpoints/default`, ACCOUNT)).toBe(true);
    expect(isSameOrChildResource(ACCOUNT, ACCOUNT.toLowerCase())).toBe(true);
    expect(isSameOrChildResource(`${ACCOUNT}2`, ACCOUNT)).toBe(false);
    expect(subscriptionOf('/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/x')).toBe('s1');
  });
});
