/** dependencyGroups: the workloads an incident touches, in waves that respect dependsOn. */
import { describe, expect, it } from 'vitest';
import { dependencyGroups, type Catalog } from '../../lib/catalog/index.js';
import { load, purviewCatalog, SAMPLE } from './support.js';

//   db ← cache ← api ← web        (web also depends on cache directly)
//   db ← reports
//   audit (no dependencies)
const catalog: Catalog = load(
  purviewCatalog(['web', 'api', 'cache', 'db', 'reports', 'audit'], {
    web: ['api', 'cache'],
    api: ['cache'],
    cache: ['db'],
    reports: ['db'],
  }),
);

describe('dependencyGroups', () => {
  it('puts every workload after everything it depends on', () => {
    expect(dependencyGroups(catalog, ['web', 'api', 'cache', 'db', 'reports', 'audit'])).toEqual([
      ['db', 'audit'],
      ['cache', 'reports'],
      ['api'],
      ['web'],
    ]);
  });

  it('orders within a wave by catalog order, not by the order asked', () => {
    expect(dependencyGroups(catalog, ['audit', 'reports', 'db', 'cache'])).toEqual([
      ['db', 'audit'],
      ['cache', 'reports'],
    ]);
  });

  it('includes only the given workloads and ignores dependencies outside them', () => {
    expect(dependencyGroups(catalog, ['api', 'reports'])).toEqual([['api', 'reports']]);
    expect(dependencyGroups(catalog, ['web'])).toEqual([['web']]);
    expect(dependencyGroups(catalog, [])).toEqual([]);
  });

  it('keeps the order a dependency outside the set implies (web → api → cache: cache first)', () => {
    expect(dependencyGroups(catalog, ['web', 'cache'])).toEqual([['cache'], ['web']]);
    expect(dependencyGroups(catalog, ['api', 'db'])).toEqual([['db'], ['api']]);
  });

  it('ignores repeated ids', () => {
    expect(dependencyGroups(catalog, ['db', 'cache', 'db'])).toEqual([['db'], ['cache']]);
  });

  it('throws on an id that is not in the catalog (a caller bug, not an input problem)', () => {
    expect(() => dependencyGroups(catalog, ['db', 'ghost'])).toThrow("dependencyGroups: unknown workload id 'ghost'");
  });

  it('puts independent sample workloads in one wave', () => {
    const sample = load(SAMPLE);
    expect(dependencyGroups(sample, ['dynamics-crm', 'media-streaming'])).toEqual([['media-streaming', 'dynamics-crm']]);
  });
});
