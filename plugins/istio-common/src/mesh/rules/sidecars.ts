import { INJECTION_LABELS } from '../../manifests/namespace';
import type { Finding, PodStatus, WorkloadStatus } from '../../status/schema';
import { show } from '../../validation/show';
import { arr, obj, str } from '../json';
import {
  injectorStatus,
  ISTIO_PROXY_CONTAINER,
  PodObject,
  POD_INJECTION_KEYS,
} from '../pods';

/**
 * Rules about proxies: pods without one (IST0103) and why, namespaces not
 * enabled for injection (IST0102), proxies that differ from each other or from
 * the control plane (IST0158). They read workloads as the status assembles
 * them, so a pre-flight can run them over planned pods too.
 */

/** How to recreate a pod so the injector sees it. */
function restartCommand(w: WorkloadStatus, pod: PodStatus): string {
  return ['Deployment', 'StatefulSet', 'DaemonSet'].includes(w.kind)
    ? `kubectl rollout restart ${w.kind.toLowerCase()}/${w.name} -n ${
        w.namespace
      }`
    : `kubectl delete pod ${pod.name} -n ${w.namespace}  # recreate it so the injector sees it`;
}

function podObject(w: WorkloadStatus, pod: PodStatus): string {
  return `${w.namespace}/Pod/${pod.name}`;
}

/**
 * One finding per pod without a proxy, saying why and what fixes it: IST0103
 * (`sidecar-missing`) when it should have one, info when it opted out
 * (`sidecar-opted-out`) or runs on the host network (`sidecar-host-network`).
 * Ambient pods need no proxy.
 *
 * @public
 */
export function podProxyFindings(workloads: WorkloadStatus[]): Finding[] {
  const findings: Finding[] = [];
  for (const w of workloads) {
    for (const pod of w.pods) {
      const object = podObject(w, pod);
      const { sidecar } = pod;
      switch (sidecar.missingReason) {
        case undefined:
        case 'ambient':
          break;
        case 'opted-out':
          findings.push({
            id: 'sidecar-opted-out',
            severity: 'info',
            object,
            message: `Pod opted out of injection (sidecar.istio.io/inject: "false"); it is outside the mesh`,
          });
          break;
        case 'namespace-not-labelled':
          findings.push({
            id: 'sidecar-missing',
            severity: 'warning',
            code: 'IST0103',
            object,
            message: `Pod has no sidecar: namespace ${w.namespace} is not enabled for injection`,
            fix: `kubectl label namespace ${
              w.namespace
            } istio-injection=enabled && ${restartCommand(w, pod)}`,
          });
          break;
        default:
          if (sidecar.hostNetwork) {
            // istiod never injects these, and Istio's analyzer skips them
            findings.push({
              id: 'sidecar-host-network',
              severity: 'info',
              object,
              message:
                'Pod uses hostNetwork: Istio never injects a sidecar into such pods, so it is outside the mesh',
            });
          } else if (sidecar.injectedContainers) {
            const added = sidecar.injectedContainers.length
              ? `only ${sidecar.injectedContainers.join(', ')}`
              : 'nothing';
            findings.push({
              id: 'sidecar-missing',
              severity: 'warning',
              code: 'IST0103',
              object,
              message: `Pod has no sidecar: the injector processed it but added ${added} (an injection template without a proxy, such as the early ambient template)`,
              fix: `kubectl label namespace ${w.namespace} ${
                INJECTION_LABELS.ambient
              }=ambient  # if the pod is meant for ambient mode; otherwise check its inject.istio.io/templates annotation and ${restartCommand(
                w,
                pod,
              )}`,
            });
          } else {
            findings.push({
              id: 'sidecar-missing',
              severity: 'warning',
              code: 'IST0103',
              object,
              message:
                sidecar.missingReason === 'created-before-injection'
                  ? 'Pod has no sidecar: it was created before its namespace was enabled for injection'
                  : 'Pod has no sidecar although its namespace is enabled for injection (was the injector down when it started?)',
              fix: restartCommand(w, pod),
            });
          }
      }
    }
  }
  return findings;
}

/**
 * IST0102 (`namespace-not-injected`): each namespace with a pod that lacks a
 * proxy because the namespace is not enabled for injection.
 *
 * @public
 */
export function uninjectedNamespaceFindings(
  workloads: WorkloadStatus[],
): Finding[] {
  const unlabelled = new Set<string>();
  for (const w of workloads) {
    if (
      w.pods.some(p => p.sidecar.missingReason === 'namespace-not-labelled')
    ) {
      unlabelled.add(w.namespace);
    }
  }
  return [...unlabelled].map(ns => ({
    id: 'namespace-not-injected',
    severity: 'warning' as const,
    code: 'IST0102',
    object: `Namespace/${ns}`,
    message: 'Namespace is not enabled for sidecar injection',
    fix: `kubectl label namespace ${ns} istio-injection=enabled`,
  }));
}

/**
 * IST0158: proxies in a namespace that run different versions
 * (`proxy-versions-differ`), or a version the control plane does not run
 * (`proxy-version-differs-from-control-plane`; only when control-plane
 * versions are known).
 *
 * @public
 */
export function proxyVersionFindings(
  workloads: WorkloadStatus[],
  controlPlaneVersions: string[],
): Finding[] {
  const findings: Finding[] = [];
  const byNamespace = new Map<string, Set<string>>();
  for (const w of workloads) {
    for (const pod of w.pods) {
      if (pod.sidecar.version) {
        const set = byNamespace.get(w.namespace) ?? new Set<string>();
        set.add(pod.sidecar.version);
        byNamespace.set(w.namespace, set);
      }
    }
  }
  for (const [ns, versions] of byNamespace) {
    if (versions.size > 1) {
      findings.push({
        id: 'proxy-versions-differ',
        severity: 'warning',
        code: 'IST0158',
        object: `Namespace/${ns}`,
        message: `Sidecars in the namespace run different proxy versions: ${[
          ...versions,
        ]
          .sort()
          .join(', ')}`,
        fix: `kubectl rollout restart deployment -n ${ns}`,
      });
    }
    const stale = [...versions].filter(
      v => controlPlaneVersions.length > 0 && !controlPlaneVersions.includes(v),
    );
    if (stale.length > 0) {
      findings.push({
        id: 'proxy-version-differs-from-control-plane',
        severity: 'warning',
        code: 'IST0158',
        object: `Namespace/${ns}`,
        message: `Sidecar version ${stale.join(
          ', ',
        )} differs from the control plane (${controlPlaneVersions.join(', ')})`,
        fix: `kubectl rollout restart deployment -n ${ns}`,
      });
    }
  }
  return findings;
}

/**
 * All proxy rules in one list: per-pod findings, then IST0102 per
 * namespace, then IST0158.
 *
 * @public
 */
export function sidecarFindings(
  workloads: WorkloadStatus[],
  controlPlaneVersions: string[],
): Finding[] {
  return [
    ...podProxyFindings(workloads),
    ...uninjectedNamespaceFindings(workloads),
    ...proxyVersionFindings(workloads, controlPlaneVersions),
  ];
}

/**
 * Findings about a pod as read whose proxy layout neither Istio nor
 * Meshdeck can use: an `istio-proxy` init container without
 * `restartPolicy: Always` (it never finishes, so the pod never starts; a
 * native sidecar stored on Kubernetes before 1.29 looks like this), more
 * than one `istio-proxy`, no containers at all, or a
 * `sidecar.istio.io/status` annotation that is not the injector's JSON.
 * A proxy without the annotation is no finding: hand-written and
 * `istioctl kube-inject`-ed pods look like that, and their proxy is judged
 * as any other.
 *
 * @public
 */
export function podLayoutFindings(pod: PodObject): Finding[] {
  const meta = obj(pod.metadata);
  const object = `${str(meta.namespace) ?? ''}/Pod/${str(meta.name) ?? ''}`;
  const spec = obj(pod.spec);
  const containers = arr(spec.containers).map(obj);
  const initContainers = arr(spec.initContainers).map(obj);
  const findings: Finding[] = [];
  if (containers.length === 0) {
    findings.push({
      id: 'pod-without-containers',
      severity: 'warning',
      object,
      message:
        'Pod has no containers as read: Meshdeck cannot tell whether it has a proxy',
    });
  }
  const proxies = [...containers, ...initContainers].filter(
    c => c.name === ISTIO_PROXY_CONTAINER,
  );
  if (proxies.length > 1) {
    findings.push({
      id: 'sidecar-duplicate-proxy',
      severity: 'error',
      object,
      message: `Pod has ${proxies.length} ${ISTIO_PROXY_CONTAINER} containers; a pod takes one proxy (was it injected twice?)`,
      fix: 'Remove the extra istio-proxy from the workload spec, then recreate the pod',
    });
  }
  const blocking = initContainers.find(
    c => c.name === ISTIO_PROXY_CONTAINER && c.restartPolicy !== 'Always',
  );
  if (blocking) {
    findings.push({
      id: 'sidecar-init-container-blocks',
      severity: 'error',
      object,
      message: `${ISTIO_PROXY_CONTAINER} is an init container without restartPolicy: Always, so it is no native sidecar: it never finishes and the pod never starts (Kubernetes before 1.29 drops the restartPolicy of init containers)`,
      fix: 'Run Kubernetes 1.29 or later for native sidecars, or inject classic sidecars (ENABLE_NATIVE_SIDECARS=false on istiod), then recreate the pod',
    });
  }
  const raw = obj(meta.annotations)[POD_INJECTION_KEYS.status];
  if (raw !== undefined && !wellFormedInjectorStatus(pod, raw)) {
    findings.push({
      id: 'sidecar-status-unreadable',
      severity: 'warning',
      object,
      message: `Pod's ${
        POD_INJECTION_KEYS.status
      } annotation is not the injector's JSON (${show(
        String(raw),
      )}): what the injector added cannot be told`,
      fix: 'Recreate the pod so the injector writes the annotation again',
    });
  }
  return findings;
}

/** True when the annotation is the injector's JSON object of name lists. */
function wellFormedInjectorStatus(pod: PodObject, raw: unknown): boolean {
  if (typeof raw !== 'string' || !injectorStatus(pod)) {
    return false;
  }
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  return (['initContainers', 'containers'] as const).every(key => {
    const list = parsed[key];
    return (
      list === undefined ||
      list === null ||
      (Array.isArray(list) && list.every(n => typeof n === 'string'))
    );
  });
}
