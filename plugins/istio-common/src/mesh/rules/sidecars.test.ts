import type { PodStatus, Sidecar, WorkloadStatus } from '../../status/schema';
import {
  podProxyFindings,
  proxyVersionFindings,
  sidecarFindings,
  uninjectedNamespaceFindings,
} from './sidecars';

function podWith(name: string, sidecar: Sidecar): PodStatus {
  return { name, phase: 'Running', ready: true, restarts: 0, sidecar };
}

function workload(
  kind: string,
  name: string,
  pods: PodStatus[],
  namespace = 'shop',
): WorkloadStatus {
  return { kind, name, namespace, pods };
}

const proxy = (version: string): Sidecar => ({
  injected: true,
  native: false,
  kind: 'sidecar',
  image: `docker.io/istio/proxyv2:${version}`,
  version,
  ready: true,
});
const missing = (
  missingReason: NonNullable<Sidecar['missingReason']>,
  extra: Partial<Sidecar> = {},
): Sidecar => ({ injected: false, native: false, missingReason, ...extra });

describe('podProxyFindings', () => {
  it('says why a sidecar is missing, with the command that fixes it (IST0103)', () => {
    expect(
      podProxyFindings([
        workload('Deployment', 'web', [
          podWith('old-1', missing('created-before-injection')),
        ]),
      ]),
    ).toEqual([
      {
        id: 'sidecar-missing',
        severity: 'warning',
        code: 'IST0103',
        object: 'shop/Pod/old-1',
        message:
          'Pod has no sidecar: it was created before its namespace was enabled for injection',
        fix: 'kubectl rollout restart deployment/web -n shop',
      },
    ]);
  });

  it('recreates bare pods and Job pods instead of restarting a rollout', () => {
    const findings = podProxyFindings([
      workload('Pod', 'legacy', [podWith('legacy', missing('unknown'))]),
      workload('Job', 'pi', [podWith('pi-x1', missing('unknown'))]),
    ]);
    expect(findings.map(f => f.fix)).toEqual([
      'kubectl delete pod legacy -n shop  # recreate it so the injector sees it',
      'kubectl delete pod pi-x1 -n shop  # recreate it so the injector sees it',
    ]);
    expect(findings[0].message).toBe(
      'Pod has no sidecar although its namespace is enabled for injection (was the injector down when it started?)',
    );
  });

  it('labels the namespace and restarts when the namespace is not labelled', () => {
    expect(
      podProxyFindings([
        workload('StatefulSet', 'db', [
          podWith('db-0', missing('namespace-not-labelled')),
        ]),
      ]),
    ).toEqual([
      {
        id: 'sidecar-missing',
        severity: 'warning',
        code: 'IST0103',
        object: 'shop/Pod/db-0',
        message:
          'Pod has no sidecar: namespace shop is not enabled for injection',
        fix: 'kubectl label namespace shop istio-injection=enabled && kubectl rollout restart statefulset/db -n shop',
      },
    ]);
  });

  it('reports opted-out and hostNetwork pods as info, and ambient or proxied pods not at all', () => {
    const findings = podProxyFindings([
      workload('Deployment', 'w', [
        podWith('out', missing('opted-out')),
        podWith('host', missing('unknown', { hostNetwork: true })),
        podWith('amb', missing('ambient')),
        podWith('ok', proxy('1.30.3')),
      ]),
    ]);
    expect(findings).toEqual([
      {
        id: 'sidecar-opted-out',
        severity: 'info',
        object: 'shop/Pod/out',
        message:
          'Pod opted out of injection (sidecar.istio.io/inject: "false"); it is outside the mesh',
      },
      {
        id: 'sidecar-host-network',
        severity: 'info',
        object: 'shop/Pod/host',
        message:
          'Pod uses hostNetwork: Istio never injects a sidecar into such pods, so it is outside the mesh',
      },
    ]);
  });

  it('says when the injector ran a template without a proxy', () => {
    const [finding] = podProxyFindings([
      workload('Deployment', 'hello', [
        podWith(
          'hello-1',
          missing('unknown', { injectedContainers: ['istio-validation'] }),
        ),
      ]),
    ]);
    expect(finding).toEqual({
      id: 'sidecar-missing',
      severity: 'warning',
      code: 'IST0103',
      object: 'shop/Pod/hello-1',
      message:
        'Pod has no sidecar: the injector processed it but added only istio-validation (an injection template without a proxy, such as the early ambient template)',
      fix: 'kubectl label namespace shop istio.io/dataplane-mode=ambient  # if the pod is meant for ambient mode; otherwise check its inject.istio.io/templates annotation and kubectl rollout restart deployment/hello -n shop',
    });
  });
});

describe('uninjectedNamespaceFindings', () => {
  it('flags each namespace whose label is missing once (IST0102)', () => {
    expect(
      uninjectedNamespaceFindings([
        workload('Deployment', 'a', [
          podWith('a-1', missing('namespace-not-labelled')),
          podWith('a-2', missing('namespace-not-labelled')),
        ]),
        workload('Deployment', 'b', [
          podWith('b-1', missing('namespace-not-labelled')),
        ]),
        workload(
          'Deployment',
          'c',
          [podWith('c-1', missing('opted-out'))],
          'other',
        ),
      ]),
    ).toEqual([
      {
        id: 'namespace-not-injected',
        severity: 'warning',
        code: 'IST0102',
        object: 'Namespace/shop',
        message: 'Namespace is not enabled for sidecar injection',
        fix: 'kubectl label namespace shop istio-injection=enabled',
      },
    ]);
  });
});

describe('proxyVersionFindings', () => {
  it('flags differing versions in a namespace and versions the control plane does not run (IST0158)', () => {
    const findings = proxyVersionFindings(
      [
        workload('Deployment', 'a', [podWith('a-1', proxy('1.30.3'))]),
        workload('Deployment', 'b', [podWith('b-1', proxy('1.29.1'))]),
      ],
      ['1.30.3'],
    );
    expect(findings).toEqual([
      {
        id: 'proxy-versions-differ',
        severity: 'warning',
        code: 'IST0158',
        object: 'Namespace/shop',
        message:
          'Sidecars in the namespace run different proxy versions: 1.29.1, 1.30.3',
        fix: 'kubectl rollout restart deployment -n shop',
      },
      {
        id: 'proxy-version-differs-from-control-plane',
        severity: 'warning',
        code: 'IST0158',
        object: 'Namespace/shop',
        message:
          'Sidecar version 1.29.1 differs from the control plane (1.30.3)',
        fix: 'kubectl rollout restart deployment -n shop',
      },
    ]);
  });

  it('says nothing about the control plane when its version is unknown, nor about pods without a proxy', () => {
    expect(
      proxyVersionFindings(
        [
          workload('Deployment', 'a', [
            podWith('a-1', proxy('1.29.1')),
            podWith('a-2', missing('opted-out')),
          ]),
        ],
        [],
      ),
    ).toEqual([]);
  });
});

describe('sidecarFindings', () => {
  it('lists pod findings, then IST0102, then IST0158', () => {
    const findings = sidecarFindings(
      [
        workload('Deployment', 'checkout', [
          podWith('classic-1', proxy('1.30.3')),
        ]),
        workload('Pod', 'native-1', [podWith('native-1', proxy('1.29.1'))]),
        workload('Pod', 'plain', [
          podWith('plain', missing('namespace-not-labelled')),
        ]),
      ],
      ['1.30.3'],
    );
    expect(findings.map(f => [f.id, f.code, f.object])).toEqual([
      ['sidecar-missing', 'IST0103', 'shop/Pod/plain'],
      ['namespace-not-injected', 'IST0102', 'Namespace/shop'],
      ['proxy-versions-differ', 'IST0158', 'Namespace/shop'],
      ['proxy-version-differs-from-control-plane', 'IST0158', 'Namespace/shop'],
    ]);
  });
});
