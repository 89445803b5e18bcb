import {
  NamespaceStatus,
  podStatus,
  PodObject,
  sidecarOf,
} from '@meshdeck/plugin-istio-common';
import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { trimNamespace, trimPod } from './trimObjects';

/**
 * Real sidecar-injector output (Istio's golden files), kept beside the
 * repository clone in `shared/fixtures/istio-injection`.
 */
const FIXTURES = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/istio-injection',
);

const NAMESPACES: NamespaceStatus[] = [
  {
    name: 'default',
    injection: 'sidecar',
    labels: { 'istio-injection': 'enabled' },
  },
  { name: 'default', injection: 'none', labels: {} },
  {
    name: 'default',
    injection: 'ambient',
    labels: { 'istio.io/dataplane-mode': 'ambient' },
  },
];

/** The pod a fixture describes, running, as the API server would send it. */
function podOf(file: string): Record<string, any> {
  const [object] = parseAllDocuments(
    fs.readFileSync(path.join(FIXTURES, file), 'utf8'),
  )
    .map(d => d.toJSON())
    .filter(Boolean);
  const pod = object.kind === 'Pod' ? object : object.spec.template;
  const containers = [
    ...(pod.spec.initContainers ?? []),
    ...(pod.spec.containers ?? []),
  ];
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      name: 'p',
      namespace: 'default',
      creationTimestamp: '2026-11-30T10:00:00.000Z',
      managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'p-1',
          uid: 'u',
          controller: true,
        },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      containerStatuses: (pod.spec.containers ?? []).map((c: any) => ({
        name: c.name,
        ready: true,
        restartCount: 2,
        image: c.image,
        imageID: 'sha256:x',
        state: { running: { startedAt: '2026-11-30T10:00:01Z' } },
      })),
      initContainerStatuses: (pod.spec.initContainers ?? []).map((c: any) => ({
        name: c.name,
        ready: c.name === 'istio-proxy',
        restartCount: 0,
        image: c.image,
        imageID: 'sha256:y',
      })),
    },
    _containers: containers.length,
  };
}

describe('trimPod', () => {
  const files = fs
    .readdirSync(FIXTURES)
    .filter(f => f.endsWith('.yaml') || f.includes('.yaml.'));

  it('finds the injector fixtures', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)(
    'keeps everything the status reads of %s, in every namespace context',
    file => {
      const pod = podOf(file);
      const trimmed = trimPod(pod);
      for (const ns of NAMESPACES) {
        expect(sidecarOf(trimmed as PodObject, ns)).toEqual(
          sidecarOf(pod as PodObject, ns),
        );
        expect(podStatus(trimmed as PodObject, ns)).toEqual(
          podStatus(pod as PodObject, ns),
        );
      }
    },
  );

  it('drops environment, volumes, probes and managed fields, and is much smaller', () => {
    const pod = podOf('hello.yaml.injected');
    const trimmed = trimPod(pod);
    const text = JSON.stringify(trimmed);
    expect(text).not.toMatch(
      /volumeMounts|readinessProbe|managedFields|PROXY_CONFIG/,
    );
    expect(text.length).toBeLessThan(JSON.stringify(pod).length / 3);
    // the proxy keeps its interception mode and resources, nothing else of its env
    const proxy = trimmed.spec!.containers!.find(c => c.name === 'istio-proxy');
    expect(proxy?.env ?? []).toEqual(
      (pod.spec.containers.find((c: any) => c.name === 'istio-proxy').env ?? [])
        .filter((e: any) => e.name === 'ISTIO_META_INTERCEPTION_MODE')
        .map((e: any) => ({ name: e.name, value: e.value })),
    );
  });

  it('writes times as the generated client does, whichever way they came', () => {
    const pod = { ...podOf('hello.yaml.injected') };
    pod.metadata = {
      ...pod.metadata,
      creationTimestamp: '2026-11-30T10:00:00Z',
    };
    expect(trimPod(pod).metadata?.creationTimestamp).toBe(
      new Date('2026-11-30T10:00:00Z').toISOString(),
    );
  });
});

describe('trimNamespace', () => {
  it('keeps name, labels and when labels were set, nothing else', () => {
    expect(
      trimNamespace({
        metadata: {
          name: 'shop',
          labels: { 'istio-injection': 'enabled' },
          annotations: { note: 'x' },
          managedFields: [
            {
              manager: 'kubectl',
              time: '2026-11-30T10:00:00Z',
              fieldsV1: {
                'f:metadata': {
                  'f:labels': { 'f:istio-injection': {} },
                  'f:annotations': {},
                },
              },
            },
            {
              manager: 'x',
              time: '2026-11-30T11:00:00Z',
              fieldsV1: { 'f:spec': {} },
            },
          ],
        },
        spec: { finalizers: ['kubernetes'] },
      }),
    ).toEqual({
      metadata: {
        name: 'shop',
        labels: { 'istio-injection': 'enabled' },
        managedFields: [
          {
            time: '2026-11-30T10:00:00.000Z',
            fieldsV1: {
              'f:metadata': { 'f:labels': { 'f:istio-injection': {} } },
            },
          },
        ],
      },
    });
  });
});
