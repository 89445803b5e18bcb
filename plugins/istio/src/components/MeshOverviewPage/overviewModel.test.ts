import { meshOverviewSchema } from '@meshdeck/plugin-istio-common';
import {
  emptyOverview,
  meshOverview,
  proxyVersions,
} from '../../__fixtures__/meshOverview';
import {
  filterOptions,
  filterOverview,
  findingNamespace,
  groupFindings,
  hostLevel,
  namespaceLevel,
  NO_FILTERS,
  NO_OWNER,
  ownerKey,
  ownerLabel,
  upgradeReadiness,
} from './overviewModel';

describe('overviewModel', () => {
  it('works on fixtures that match the response schema', () => {
    expect(meshOverviewSchema.parse(meshOverview())).toEqual(meshOverview());
    expect(meshOverviewSchema.parse(emptyOverview())).toEqual(emptyOverview());
  });

  it('reads owners as the catalog links them', () => {
    expect(ownerKey('guests')).toBe('group:default/guests');
    expect(ownerKey('group:default/guests')).toBe('group:default/guests');
    expect(ownerKey('user:jane')).toBe('user:default/jane');
    expect(ownerKey('a:b:c/d/e')).toBe('a:b:c/d/e');
    expect(ownerLabel('group:default/guests')).toBe('guests');
    expect(ownerLabel('user:default/jane')).toBe('user:jane');
    expect(ownerLabel('group:ops/sre')).toBe('ops/sre');
  });

  it('finds the namespace of a finding object', () => {
    const f = meshOverview().findings[0];
    expect(findingNamespace({ ...f, object: 'shop/Pod/a' })).toBe('shop');
    expect(findingNamespace({ ...f, object: 'Namespace/shop' })).toBe('shop');
    expect(findingNamespace({ ...f, object: 'ClusterRole/x' })).toBeUndefined();
  });

  it('rates hosts and namespaces', () => {
    const [conflict, checkout] = meshOverview().hosts;
    expect(hostLevel(conflict)).toBe('error');
    expect(hostLevel(checkout)).toBe('warning');
    expect(hostLevel({ ...checkout, certificate: undefined })).toBe('info');
    const ns = meshOverview().namespaces;
    const byName = (cluster: string, name: string) =>
      ns.find(n => n.cluster === cluster && n.name === name)!;
    // pods outside a mesh namespace want a look ...
    expect(namespaceLevel(byName('eks-prod', 'shop'))).toBe('warning');
    // ... pods of a namespace outside the mesh do not
    expect(namespaceLevel(byName('eks-prod', 'team-payments'))).toBe('info');
    expect(
      namespaceLevel({ ...byName('eks-prod', 'ledger'), mtls: 'DISABLE' }),
    ).toBe('warning');
  });

  it('lets everything through without filters', () => {
    const overview = meshOverview();
    const { generatedAt, ...rest } = overview;
    expect(generatedAt).toBeTruthy();
    expect(filterOverview(overview, NO_FILTERS)).toEqual(rest);
  });

  it('filters proxy versions by namespace and owner, recounting their pods', () => {
    const view = filterOverview(meshOverview(), {
      ...NO_FILTERS,
      namespace: 'storefront',
    });
    expect(view.proxyVersions).toEqual([
      expect.objectContaining({
        cluster: 'eks-prod',
        version: '1.30.3',
        pods: 3,
        namespaces: [expect.objectContaining({ namespace: 'storefront' })],
      }),
    ]);
    expect(
      filterOverview(meshOverview(), {
        ...NO_FILTERS,
        owner: 'group:default/team-payments',
      }).proxyVersions.map(p => [p.cluster, p.version, p.pods]),
    ).toEqual([['eks-dev', '1.29.1', 2]]);
    expect(
      filterOverview(meshOverview(), {
        ...NO_FILTERS,
        severity: 'warning',
      }).proxyVersions.map(p => p.version),
    ).toEqual(['1.29.1']);
  });

  it('matches owners written without a kind', () => {
    const overview = meshOverview();
    overview.certificates[2].owners = ['guests'];
    const view = filterOverview(overview, {
      ...NO_FILTERS,
      owner: 'group:default/guests',
    });
    expect(view.certificates.map(c => c.secret.name)).toEqual([
      'istio-gateway-cert',
      'public-gw-cert',
    ]);
    expect(
      filterOverview(overview, { ...NO_FILTERS, owner: NO_OWNER }).hosts.map(
        h => h.host,
      ),
    ).toEqual(['status.shop.example.com']);
  });

  it('offers the namespaces and owners found anywhere', () => {
    expect(filterOptions(meshOverview())).toEqual({
      namespaces: [
        'istio-ingress',
        'ledger',
        'shop',
        'storefront',
        'team-payments',
      ],
      owners: ['group:default/guests', 'group:default/team-payments'],
      unowned: true,
    });
    expect(filterOptions(emptyOverview())).toEqual({
      namespaces: [],
      owners: [],
      unowned: false,
    });
  });

  it('groups findings by code, or by id without one, the most severe first', () => {
    const groups = groupFindings(meshOverview().findings);
    expect(
      groups.map(g => [g.key, g.severity, g.findings.length, g.owners]),
    ).toEqual([
      ['certificate-sync-failing', 'error', 1, ['group:default/team-payments']],
      [
        'IST0109',
        'error',
        1,
        ['group:default/guests', 'group:default/team-payments'],
      ],
      [
        'IST0103',
        'warning',
        2,
        ['group:default/guests', 'group:default/team-payments'],
      ],
      [
        'certificate-expiring',
        'warning',
        1,
        ['group:default/guests', 'group:default/team-payments'],
      ],
      ['IST0102', 'info', 1, ['group:default/team-payments']],
    ]);
    // a group is as severe as its worst finding, which comes first
    const mixed = groupFindings([
      { ...meshOverview().findings[2], severity: 'info' },
      meshOverview().findings[3],
    ]);
    expect(mixed[0].severity).toBe('warning');
    expect(mixed[0].findings.map(f => f.severity)).toEqual(['warning', 'info']);
  });

  it('says per revision how many proxies still run an older version, by namespace and owner', () => {
    const versions = [
      ...proxyVersions(),
      {
        cluster: 'eks-prod',
        version: '1.29.4',
        revision: 'default',
        pods: 3,
        outdated: true,
        namespaces: [
          {
            namespace: 'shop',
            pods: 1,
            entities: [],
            owners: ['group:default/guests'],
          },
          {
            namespace: 'ledger',
            pods: 2,
            entities: [],
            owners: ['group:default/guests'],
          },
        ],
      },
    ];
    expect(upgradeReadiness(versions, meshOverview().clusters)).toEqual([
      {
        cluster: 'eks-dev',
        revision: 'default',
        version: '1.30.3',
        pods: 2,
        outdatedPods: 2,
        outdatedVersions: ['1.29.1'],
        outdated: [
          {
            namespace: 'team-payments',
            pods: 2,
            owners: ['group:default/team-payments'],
          },
        ],
      },
      {
        cluster: 'eks-prod',
        revision: 'default',
        version: '1.30.3',
        pods: 9,
        outdatedPods: 3,
        outdatedVersions: ['1.29.4'],
        outdated: [
          { namespace: 'shop', pods: 1, owners: ['group:default/guests'] },
          { namespace: 'ledger', pods: 2, owners: ['group:default/guests'] },
        ],
      },
    ]);
  });
});
