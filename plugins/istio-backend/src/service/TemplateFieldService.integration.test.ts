import {
  buildGateway,
  buildHttpRoute,
  buildK8sGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { WritePolicy } from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { TemplateFieldService } from './TemplateFieldService';

describeWithCluster('template fields', cluster => {
  const domain = 'fields.example';

  it('offers allowed namespaces and gateways, and checks hosts live', async () => {
    const { kubeConfig, registry, clusterName } = cluster();
    const ingress = await cluster().extraNamespace('ingress', true);
    const team = await cluster().extraNamespace('team', true);
    const other = await cluster().extraNamespace('other', true);
    await createObjects(
      kubeConfig,
      tlsSecretManifest(
        ingress,
        'gw-cert',
        await createTestCertificate({ sans: [`*.${domain}`] }),
      ),
      buildGateway(
        {
          name: 'public',
          namespace: ingress,
          selector: { istio: 'ingressgateway' },
          hosts: [`*.${domain}`, `*.elsewhere.example`],
          tls: { mode: 'credential', credentialName: 'gw-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
      buildVirtualService(
        {
          name: 'taken',
          namespace: other,
          hosts: [`taken.${domain}`],
          gateways: [`${ingress}/public`],
          routes: [{ destinations: [{ host: 'taken' }] }],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
    );
    const fields = new TemplateFieldService(
      registry,
      new WritePolicy(
        [team, `${ingress.slice(0, -3)}*`, 'planned-ns'],
        [`${ingress}/*`],
      ),
    );

    const namespaces = await fields.namespaces(clusterName);
    expect(namespaces).toEqual(
      expect.arrayContaining([team, ingress, 'planned-ns']),
    );
    expect(namespaces).not.toContain(other);
    expect(namespaces).not.toContain('kube-system');

    expect(await fields.gateways(clusterName)).toEqual([
      {
        ref: `${ingress}/public`,
        api: 'istio',
        hosts: [`*.${domain}`, '*.elsewhere.example'],
        credentialName: 'gw-cert',
      },
    ]);

    const check = (host: string, namespace = team, name?: string) =>
      fields.checkHost({
        cluster: clusterName,
        gateway: `${ingress}/public`,
        host,
        namespace,
        name,
      });
    const good = await check(`shop.${domain}`);
    expect(good).toMatchObject({ ok: true, problems: [] });
    expect(good.notes[0]).toMatch(
      new RegExp(
        `^covered by the certificate for \\*\\.${domain} \\(\\d+ days left\\)$`,
      ),
    );
    expect((await check('not a host')).problems[0]).toMatch(/host/);
    expect((await check('x.unserved.example')).problems).toEqual([
      expect.stringContaining(
        `host x.unserved.example is not served by Gateway ${ingress}/public (it serves *.${domain}, *.elsewhere.example) (IST0132)`,
      ),
    ]);
    expect((await check('api.elsewhere.example')).problems).toEqual([
      `The certificate (*.${domain}) does not cover api.elsewhere.example: clients get a TLS name-mismatch error (IST0161)`,
    ]);
    const taken = await check(`taken.${domain}`);
    expect(taken.problems).toEqual([
      `host taken.${domain} on Gateway ${ingress}/public is already claimed by VirtualService ${other}/taken in namespace '${other}' (IST0109)`,
    ]);
    expect(
      taken.findings?.filter(f => f.severity === 'error').map(f => f.code),
    ).toEqual(['IST0109']);
    // another route of the owning namespace may not take it either
    expect((await check(`taken.${domain}`, other, 'second')).ok).toBe(false);
    // the route itself may be applied again
    expect((await check(`taken.${domain}`, other, 'taken')).ok).toBe(true);
    expect(
      (
        await fields.checkHost({
          cluster: clusterName,
          gateway: 'kube-system/evil',
          host: `a.${domain}`,
        })
      ).problems,
    ).toEqual([
      'gateway kube-system/evil is not in istio.scaffolder.allowedGateways',
    ]);
  });
  it('offers the route APIs the cluster serves, its Gateway API Gateways, and checks hosts on them', async () => {
    const { kubeConfig, registry, clusterName } = cluster();
    const ingress = await cluster().extraNamespace('gw-ingress', true);
    const team = await cluster().extraNamespace('gw-team', true);
    const other = await cluster().extraNamespace('gw-other', true);
    const gwDomain = 'gwfields.example';
    await createObjects(
      kubeConfig,
      tlsSecretManifest(
        ingress,
        'gw-cert',
        await createTestCertificate({ sans: [`*.${gwDomain}`] }),
      ),
      buildK8sGateway({
        name: 'public',
        namespace: ingress,
        listeners: [
          {
            name: 'https',
            hostname: `*.${gwDomain}`,
            port: 443,
            protocol: 'HTTPS',
            certificateRefs: [{ name: 'gw-cert' }],
            allowedRoutes: { from: 'All' },
          },
        ],
      }) as any,
      buildHttpRoute({
        name: 'taken',
        namespace: other,
        hostnames: [`taken.${gwDomain}`],
        parentRefs: [{ name: 'public', namespace: ingress }],
        rules: [{ backendRefs: [{ name: 'taken', port: 80 }] }],
      }) as any,
    );
    const fields = new TemplateFieldService(
      registry,
      new WritePolicy([team], [`${ingress}/*`]),
      { routeApi: 'gateway-api' },
    );

    // the testbed serves Istio's API and the Gateway API
    expect(await fields.routeApi(clusterName)).toEqual({
      default: 'gateway-api',
      configured: 'gateway-api',
      served: { istio: true, gatewayApi: true },
    });
    expect(await fields.gateways(clusterName, 'gateway-api')).toEqual([
      {
        ref: `${ingress}/public`,
        api: 'gateway-api',
        hosts: [`*.${gwDomain}`],
        listeners: [
          {
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: `*.${gwDomain}`,
            allowedRoutesFrom: 'All',
            certificateRefs: [`${ingress}/gw-cert`],
          },
        ],
      },
    ]);

    const check = (host: string) =>
      fields.checkHost({
        cluster: clusterName,
        gateway: `${ingress}/public`,
        host,
        namespace: team,
        name: 'shop',
        api: 'gateway-api',
      });
    const good = await check(`shop.${gwDomain}`);
    expect(good).toMatchObject({ ok: true, problems: [] });
    expect(good.notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^on listener 'https' \\(HTTPS 443\\), covered by the certificate for \\*\\.${gwDomain} \\(\\d+ days left\\)$`,
        ),
      ),
    ]);
    expect((await check(`taken.${gwDomain}`)).problems).toEqual([
      expect.stringContaining(
        `is already attached by HTTPRoute ${other}/taken of namespace '${other}'`,
      ),
    ]);
  });
});
