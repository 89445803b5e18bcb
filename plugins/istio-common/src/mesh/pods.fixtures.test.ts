import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { NamespaceStatus, Sidecar, sidecarSchema } from '../status/schema';
import { PodObject, sidecarOf } from './pods';

/**
 * Real sidecar-injector output (Istio's injection golden files), kept beside
 * the repository clone in `shared/fixtures/istio-injection`. Every file there
 * must have an expectation below: a new file fails until it gets one.
 */
const FIXTURES = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/istio-injection',
);

const IMAGE = 'gcr.io/istio-testing/proxyv2:latest';
const RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2', memory: '1Gi' },
};

/** The namespace contexts each file is classified in. */
const NAMESPACES: Record<
  'enabled' | 'unlabelled' | 'ambient',
  NamespaceStatus
> = {
  enabled: {
    name: 'default',
    injection: 'sidecar',
    labels: { 'istio-injection': 'enabled' },
  },
  unlabelled: { name: 'default', injection: 'none', labels: {} },
  ambient: {
    name: 'default',
    injection: 'ambient',
    labels: { 'istio.io/dataplane-mode': 'ambient' },
  },
};

type Expectation =
  | {
      /** The pod has a proxy: the same classification in every namespace. */
      proxy: Sidecar;
    }
  | {
      /** No proxy: the sidecar (in an injection-enabled namespace) … */
      missing: Sidecar;
      /** … and the reason in an unlabelled and in an ambient namespace. */
      unlabelled: Sidecar['missingReason'];
      ambient: Sidecar['missingReason'];
    };

const EXPECTED: Record<string, Expectation> = {
  // bare Pod input: a user native sidecar (`other-sidecar`, Always) is not a proxy
  'native-sidecar.yaml': {
    missing: { injected: false, native: false, missingReason: 'unknown' },
    unlabelled: 'namespace-not-labelled',
    ambient: 'ambient',
  },
  'native-sidecar.yaml.injected': {
    proxy: {
      injected: true,
      native: true,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-init', 'istio-proxy'],
    },
  },
  'hello.yaml': {
    missing: { injected: false, native: false, missingReason: 'unknown' },
    unlabelled: 'namespace-not-labelled',
    ambient: 'ambient',
  },
  'hello.yaml.injected': {
    proxy: {
      injected: true,
      native: false,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-init', 'istio-proxy'],
    },
  },
  // istio-cni: istio-validation is an init container, not a proxy
  'hello.yaml.cni.injected': {
    proxy: {
      injected: true,
      native: false,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-validation', 'istio-proxy'],
    },
  },
  // the early ambient template: the injector ran and added only istio-validation;
  // ambient only where the namespace says so
  'hello.yaml.ambient.injected': {
    missing: {
      injected: false,
      native: false,
      missingReason: 'unknown',
      injectedContainers: ['istio-validation'],
    },
    unlabelled: 'unknown',
    ambient: 'ambient',
  },
  // istiod never injects hostNetwork pods, and ambient cannot capture them
  'hello-host-network.yaml.injected': {
    missing: {
      injected: false,
      native: false,
      missingReason: 'unknown',
      hostNetwork: true,
    },
    unlabelled: 'unknown',
    ambient: 'unknown',
  },
  'hello-ignore.yaml.injected': {
    missing: { injected: false, native: false, missingReason: 'opted-out' },
    unlabelled: 'opted-out',
    ambient: 'ambient',
  },
  // a native sidecar in a Job template (pod restartPolicy Never)
  'job.yaml.injected': {
    proxy: {
      injected: true,
      native: true,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-init', 'istio-proxy'],
    },
  },
  // istio-proxy is the only container: a gateway, injected, no resources
  'gateway.yaml.injected': {
    proxy: {
      injected: true,
      native: false,
      kind: 'gateway',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-proxy'],
    },
  },
  // interception NONE, native sidecar ahead of a user init container
  'init-no-intercept-no-native-sidecar.yaml.injected': {
    proxy: {
      injected: true,
      native: true,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'NONE',
      injectedContainers: ['istio-proxy'],
    },
  },
  // probe rewrites change nothing about the proxy
  'hello-probes.yaml.injected': {
    proxy: {
      injected: true,
      native: false,
      kind: 'sidecar',
      image: IMAGE,
      version: 'latest',
      revision: 'default',
      ready: false,
      resources: RESOURCES,
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-init', 'istio-proxy'],
    },
  },
};

/** The pod a fixture describes: a bare Pod, or a workload's `spec.template`. */
function podOf(file: string): PodObject {
  const docs = parseAllDocuments(
    fs.readFileSync(path.join(FIXTURES, file), 'utf8'),
  );
  const objects = docs
    .map(d => {
      if (d.errors.length > 0) {
        throw new Error(`${file}: ${d.errors[0].message}`);
      }
      return d.toJS();
    })
    .filter(o => o !== null && o !== undefined);
  expect(objects).toHaveLength(1);
  const [object] = objects;
  return object.kind === 'Pod' ? object : object.spec.template;
}

/**
 * The sidecar expected in each namespace context: a proxy is read from the
 * spec, so the namespace cannot change it; an absence keeps its details and
 * only its reason depends on the namespace.
 */
function expectedPerNamespace(
  expected: Expectation,
): Record<keyof typeof NAMESPACES, Sidecar> {
  if ('proxy' in expected) {
    return {
      enabled: expected.proxy,
      unlabelled: expected.proxy,
      ambient: expected.proxy,
    };
  }
  return {
    enabled: expected.missing,
    unlabelled: { ...expected.missing, missingReason: expected.unlabelled },
    ambient: { ...expected.missing, missingReason: expected.ambient },
  };
}

describe('sidecar classification of real injector output', () => {
  const files = fs.existsSync(FIXTURES)
    ? fs
        .readdirSync(FIXTURES)
        .filter(f => f !== 'README.md' && !f.startsWith('.'))
        .sort()
    : [];

  it('finds the fixtures, and has an expectation for every file', () => {
    expect(fs.existsSync(FIXTURES)).toBe(true);
    expect(files.length).toBeGreaterThan(0);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED).sort())('%s', file => {
    const pod = podOf(file);
    const observed = Object.fromEntries(
      Object.entries(NAMESPACES).map(([key, ns]) => [key, sidecarOf(pod, ns)]),
    );
    expect(observed).toStrictEqual(expectedPerNamespace(EXPECTED[file]));
    expect(sidecarSchema.parse(observed.enabled)).toEqual(observed.enabled);
  });
});
