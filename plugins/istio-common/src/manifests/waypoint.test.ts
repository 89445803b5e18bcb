import { parseAmbientGateway } from '../mesh/ambient';
import { parseK8sGateway } from '../mesh/gatewayApi/parse';
import { namespaceWaypointFindings } from '../mesh/rules/ambient';
import { buildNamespace } from './namespace';
import { manifestRef } from './types';
import { buildWaypoint, waypointEnrolmentLabels } from './waypoint';

describe('buildWaypoint', () => {
  it('builds the Gateway istioctl waypoint generate --for service prints, with our labels', () => {
    const manifest = buildWaypoint({
      name: 'waypoint',
      namespace: 'shop',
      kubernetesId: 'checkout',
    });
    expect(manifest).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'waypoint',
        namespace: 'shop',
        labels: {
          'app.kubernetes.io/managed-by': 'meshdeck',
          'backstage.io/kubernetes-id': 'checkout',
          'istio.io/waypoint-for': 'service',
        },
      },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
      },
    });
    expect(manifestRef(manifest)).toBe('shop/Gateway/waypoint');
  });

  it('takes the discovered Gateway API version and another traffic type', () => {
    const manifest = buildWaypoint(
      { name: 'pods', namespace: 'shop', waypointFor: 'workload' },
      'v1beta1',
    );
    expect(manifest.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(manifest.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'meshdeck',
      'istio.io/waypoint-for': 'workload',
    });
  });

  it('is what the rule book reads as a waypoint with its HBONE listener', () => {
    const gateway = parseAmbientGateway(
      buildWaypoint({ name: 'waypoint', namespace: 'shop' }),
    );
    expect(gateway).toMatchObject({
      ref: 'shop/waypoint',
      gatewayClassName: 'istio-waypoint',
      waypoint: true,
      hbone: true,
      waypointFor: 'service',
    });
    expect(
      parseK8sGateway(buildWaypoint({ name: 'waypoint', namespace: 'shop' }))
        .listeners,
    ).toEqual([
      expect.objectContaining({ name: 'mesh', port: 15008, protocol: 'HBONE' }),
    ]);
  });

  it('enrols a namespace with istio.io/use-waypoint', () => {
    expect(
      buildNamespace({
        name: 'shop',
        injection: 'ambient',
        labels: waypointEnrolmentLabels('waypoint'),
      }).metadata.labels,
    ).toEqual({
      'istio.io/use-waypoint': 'waypoint',
      'app.kubernetes.io/managed-by': 'meshdeck',
      'istio.io/dataplane-mode': 'ambient',
    });
  });
});

describe('namespaceWaypointFindings', () => {
  it('accepts a namespace without a waypoint, or with the same one', () => {
    expect(namespaceWaypointFindings('shop', undefined, 'waypoint')).toEqual(
      [],
    );
    expect(
      namespaceWaypointFindings('shop', { team: 'a' }, 'waypoint'),
    ).toEqual([]);
    expect(
      namespaceWaypointFindings(
        'shop',
        { 'istio.io/use-waypoint': 'waypoint' },
        'waypoint',
      ),
    ).toEqual([]);
    expect(
      namespaceWaypointFindings(
        'shop',
        {
          'istio.io/use-waypoint': 'waypoint',
          'istio.io/use-waypoint-namespace': 'shop',
        },
        'waypoint',
      ),
    ).toEqual([]);
  });

  it('refuses to move a namespace from another waypoint, with the relabel command', () => {
    expect(
      namespaceWaypointFindings(
        'shop',
        { 'istio.io/use-waypoint': 'old' },
        'waypoint',
      ),
    ).toEqual([
      {
        id: 'namespace-uses-other-waypoint',
        severity: 'error',
        object: 'Namespace/shop',
        message:
          'Namespace shop already uses waypoint shop/old (istio.io/use-waypoint=old); a template does not move it to waypoint shop/waypoint',
        fix: 'to move it: kubectl label namespace shop istio.io/use-waypoint=waypoint --overwrite; then re-run. To keep the current waypoint, leave out waypoint',
      },
    ]);
  });

  it('counts a waypoint of the same name in another namespace as another waypoint', () => {
    const [finding] = namespaceWaypointFindings(
      'shop',
      {
        'istio.io/use-waypoint': 'waypoint',
        'istio.io/use-waypoint-namespace': 'platform',
      },
      'waypoint',
    );
    expect(finding.message).toBe(
      'Namespace shop already uses waypoint platform/waypoint (istio.io/use-waypoint=waypoint, istio.io/use-waypoint-namespace=platform); a template does not move it to waypoint shop/waypoint',
    );
    expect(finding.fix).toContain(
      'kubectl label namespace shop istio.io/use-waypoint=waypoint --overwrite istio.io/use-waypoint-namespace-;',
    );
  });

  it('refuses to undo an opt-out', () => {
    const [finding] = namespaceWaypointFindings(
      'shop',
      { 'istio.io/use-waypoint': 'none' },
      'waypoint',
    );
    expect(finding).toMatchObject({
      id: 'namespace-uses-other-waypoint',
      severity: 'error',
      message: expect.stringContaining('istio.io/use-waypoint=none'),
    });
  });
});
