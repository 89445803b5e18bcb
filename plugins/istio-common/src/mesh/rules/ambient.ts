import type {
  Finding,
  PodStatus,
  WaypointUse,
  WorkloadStatus,
} from '../../status/schema';
import {
  AMBIENT_KEYS,
  AmbientAuthorizationPolicy,
  AmbientGateway,
  ambientIntent,
  isProgrammed,
  notProgrammedReason,
  optsOutOfAmbient,
  serviceWaypoint,
  useWaypointLabel,
  ZTUNNEL_DEFAULT_NAMESPACE,
  ZtunnelStatus,
} from '../ambient';
import { selectorMatches } from '../labels';
import type { MeshService, RuleFinding } from '../model';

/**
 * Rules about ambient mode: pods meant for ambient that istio-cni has not
 * captured, pods with both a sidecar and the ambient label, waypoints that
 * do not exist or are not programmed, L7 AuthorizationPolicies that no
 * waypoint enforces, and ztunnel itself. They read the workloads as the
 * status assembles them (each pod with its `dataplane`), plus the labels
 * and objects that decide ambient mode.
 */

/** What the ambient rules look at. @public */
export type AmbientFacts = {
  /** The workloads; each pod with its `dataplane` and `sidecar`. */
  workloads: WorkloadStatus[];
  /** Each pod's labels, keyed `namespace/name`. */
  podLabels: Record<string, Record<string, string>>;
  /** All labels of each namespace the pods run in. */
  namespaceLabels: Record<string, Record<string, string>>;
  /** The Services of those namespaces. */
  services: MeshService[];
  /** The AuthorizationPolicies of those namespaces. */
  policies: AmbientAuthorizationPolicy[];
  /** The cluster's Gateway API Gateways; undefined when not read. */
  gateways?: AmbientGateway[];
  /** The ztunnel DaemonSet; null when there is none, undefined when not read. */
  ztunnel?: ZtunnelStatus | null;
};

type PodRef = { workload: WorkloadStatus; pod: PodStatus };

function pods(facts: AmbientFacts): PodRef[] {
  return facts.workloads.flatMap(workload =>
    workload.pods.map(pod => ({ workload, pod })),
  );
}

const labelsOf = (facts: AmbientFacts, { workload, pod }: PodRef) =>
  facts.podLabels[`${workload.namespace}/${pod.name}`] ?? {};

const podObject = ({ workload, pod }: PodRef) =>
  `${workload.namespace}/Pod/${pod.name}`;

/** How to recreate a pod: its controller's rollout, or delete a bare pod. */
function recreateCommand({ workload, pod }: PodRef): string {
  return ['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind)
    ? `kubectl rollout restart ${workload.kind.toLowerCase()}/${
        workload.name
      } -n ${workload.namespace}`
    : `kubectl delete pod ${pod.name} -n ${workload.namespace}  # recreate it`;
}

function intentText(source: 'pod' | 'namespace', namespace: string): string {
  return source === 'pod'
    ? `its label ${AMBIENT_KEYS.dataplaneMode}=ambient`
    : `namespace ${namespace} is labelled ${AMBIENT_KEYS.dataplaneMode}=ambient`;
}

const ztunnelNamespace = (facts: AmbientFacts) =>
  facts.ztunnel?.namespace ?? ZTUNNEL_DEFAULT_NAMESPACE;

/**
 * `ambient-pod-not-captured`: a running pod meant for ambient mode that
 * istio-cni has not captured (no `ambient.istio.io/redirection: enabled`):
 * its traffic bypasses ztunnel, without mTLS or policy. The message names
 * the likely cause: the sidecar injector processed the pod, ztunnel is
 * missing or not ready, or the istio-cni agent has not enrolled it.
 * Pending pods are skipped: capture happens when the pod's network starts.
 *
 * @public
 */
export function ambientCaptureFindings(facts: AmbientFacts): Finding[] {
  const findings: Finding[] = [];
  for (const ref of pods(facts)) {
    const { pod, workload } = ref;
    if (
      pod.dataplane?.mode !== 'ambient' ||
      pod.dataplane.captured !== false ||
      pod.phase !== 'Running'
    ) {
      continue;
    }
    const source =
      ambientIntent(
        labelsOf(facts, ref),
        facts.namespaceLabels[workload.namespace],
      ) ?? 'namespace';
    const meant = `Pod is meant for ambient mode (${intentText(
      source,
      workload.namespace,
    )}) but is not captured by istio-cni`;
    const base = {
      id: 'ambient-pod-not-captured',
      severity: 'warning' as const,
      object: podObject(ref),
    };
    if (pod.sidecar.injectedContainers) {
      findings.push({
        ...base,
        message: `${meant}: the sidecar injector processed it (sidecar.istio.io/status), and istio-cni leaves such pods to their sidecar`,
        fix: `set sidecar.istio.io/inject: "false" on the pod template (or remove the namespace's istio-injection / istio.io/rev label), then ${recreateCommand(
          ref,
        )}`,
      });
    } else if (facts.ztunnel === null) {
      findings.push({
        ...base,
        message: `${meant}: no ztunnel DaemonSet runs in the cluster`,
        fix: 'istioctl install --set profile=ambient  # installs istio-cni and ztunnel',
      });
    } else if (facts.ztunnel && facts.ztunnel.ready < facts.ztunnel.desired) {
      findings.push({
        ...base,
        message: `${meant}: ztunnel is ready on only ${facts.ztunnel.ready} of ${facts.ztunnel.desired} nodes`,
        fix: `kubectl rollout status daemonset/${facts.ztunnel.name} -n ${facts.ztunnel.namespace}`,
      });
    } else {
      findings.push({
        ...base,
        message: `${meant} (no ${AMBIENT_KEYS.redirection}: enabled annotation): its traffic bypasses ztunnel, without mTLS or policy`,
        fix: `${recreateCommand(
          ref,
        )}  # if it is still not captured: kubectl logs -n ${ztunnelNamespace(
          facts,
        )} -l k8s-app=istio-cni-node --tail=200 | grep ${pod.name}`,
      });
    }
  }
  return findings;
}

/**
 * `sidecar-and-ambient`: a pod with an Istio sidecar that is also labelled
 * for ambient mode (itself or by its namespace). istio-cni never captures a
 * pod with a sidecar, so it runs in sidecar mode whatever the label says.
 * Gateway and waypoint proxies are not sidecars and are left alone.
 *
 * @public
 */
export function sidecarAndAmbientFindings(facts: AmbientFacts): Finding[] {
  const findings: Finding[] = [];
  for (const ref of pods(facts)) {
    const { pod, workload } = ref;
    if (
      pod.dataplane?.mode !== 'sidecar' ||
      (pod.sidecar.kind !== undefined && pod.sidecar.kind !== 'sidecar')
    ) {
      continue;
    }
    const source = ambientIntent(
      labelsOf(facts, ref),
      facts.namespaceLabels[workload.namespace],
    );
    if (!source) {
      continue;
    }
    findings.push({
      id: 'sidecar-and-ambient',
      severity: 'warning',
      object: podObject(ref),
      message: `Pod has a sidecar although ${intentText(
        source,
        workload.namespace,
      )}: istio-cni never captures a pod with a sidecar, so it runs in sidecar mode`,
      fix:
        source === 'pod'
          ? `to stay in sidecar mode, remove the ${
              AMBIENT_KEYS.dataplaneMode
            } label from the pod template; to move to ambient, set sidecar.istio.io/inject: "false" on it; then ${recreateCommand(
              ref,
            )}`
          : `to move it to ambient, set sidecar.istio.io/inject: "false" on the pod template (and remove any istio-injection / istio.io/rev label of namespace ${
              workload.namespace
            }); to keep the sidecar, label the pod template ${
              AMBIENT_KEYS.dataplaneMode
            }=none; then ${recreateCommand(ref)}`,
    });
  }
  return findings;
}

/**
 * `ambient-opted-out` (info): a pod in an ambient namespace labelled
 * `istio.io/dataplane-mode=none`; it is outside the mesh by choice.
 *
 * @public
 */
export function ambientOptOutFindings(facts: AmbientFacts): Finding[] {
  return pods(facts)
    .filter(
      ref =>
        ref.pod.dataplane?.mode === 'none' &&
        optsOutOfAmbient(
          labelsOf(facts, ref),
          facts.namespaceLabels[ref.workload.namespace],
        ),
    )
    .map(ref => ({
      id: 'ambient-opted-out',
      severity: 'info' as const,
      object: podObject(ref),
      message: `Pod opted out of ambient mode (${AMBIENT_KEYS.dataplaneMode}=none); it is outside the mesh`,
    }));
}

function whoUses(
  source: WaypointUse['source'],
  ref: PodRef,
  facts: AmbientFacts,
): string {
  const { workload, pod } = ref;
  switch (source) {
    case 'pod':
      return `pod ${workload.namespace}/${pod.name}`;
    case 'service': {
      const labels = labelsOf(facts, ref);
      const service = facts.services
        .filter(
          s =>
            s.namespace === workload.namespace &&
            selectorMatches(s.selector, labels) &&
            s.labels[AMBIENT_KEYS.useWaypoint] !== undefined,
        )
        .sort((a, b) => a.name.localeCompare(b.name))[0];
      return `Service ${workload.namespace}/${service?.name ?? '?'}`;
    }
    default:
      return `namespace ${workload.namespace}`;
  }
}

const gatewayOf = (
  gateways: AmbientGateway[] | undefined,
  namespace: string,
  name: string,
) => gateways?.find(g => g.namespace === namespace && g.name === name);

/**
 * The waypoints the ambient pods use (`istio.io/use-waypoint`):
 * `waypoint-not-found` (IST0101) when the Gateway does not exist — their
 * traffic then gets no L7 processing and the waypoint's policies are not
 * enforced — and `waypoint-not-programmed` when its `Programmed` condition
 * is not `True`. Nothing is judged when the Gateways were not read.
 *
 * @public
 */
export function waypointFindings(facts: AmbientFacts): Finding[] {
  if (!facts.gateways) {
    return [];
  }
  const used = new Map<
    string,
    { namespace: string; name: string; pods: PodRef[]; by: string }
  >();
  for (const ref of pods(facts)) {
    const w = ref.pod.dataplane?.waypoint;
    if (ref.pod.dataplane?.mode !== 'ambient' || !w) {
      continue;
    }
    const key = `${w.namespace}/${w.name}`;
    const entry = used.get(key) ?? {
      namespace: w.namespace,
      name: w.name,
      pods: [],
      by: whoUses(w.source, ref, facts),
    };
    entry.pods.push(ref);
    used.set(key, entry);
  }
  const findings: Finding[] = [];
  for (const { namespace, name, pods: users, by } of used.values()) {
    const gateway = gatewayOf(facts.gateways, namespace, name);
    const object = `${namespace}/Gateway/${name}`;
    const podCount = `${users.length} ${users.length === 1 ? 'pod' : 'pods'}`;
    if (!gateway) {
      findings.push({
        id: 'waypoint-not-found',
        severity: 'error',
        code: 'IST0101',
        object,
        message: `Waypoint ${namespace}/${name} does not exist, but ${AMBIENT_KEYS.useWaypoint} on ${by} names it: traffic to ${podCount} gets no L7 processing and the policies attached to the waypoint are not enforced`,
        fix: `istioctl waypoint apply -n ${namespace} --name ${name}`,
      });
    } else if (!isProgrammed(gateway)) {
      findings.push({
        id: 'waypoint-not-programmed',
        severity: 'warning',
        object,
        message: `Waypoint ${namespace}/${name} (used by ${podCount} through ${by}) is not programmed (${notProgrammedReason(
          gateway,
        )}): it does not handle their traffic yet`,
        fix: `kubectl describe gateway ${name} -n ${namespace}; kubectl get pods -n ${namespace} -l gateway.networking.k8s.io/gateway-name=${name}`,
      });
    }
  }
  return findings;
}

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

function targetRefsExample(service: string | undefined, waypoint?: string) {
  return service
    ? `spec.targetRefs: [{group: "", kind: Service, name: ${service}}]`
    : `spec.targetRefs: [{group: ${GATEWAY_API_GROUP}, kind: Gateway, name: ${
        waypoint ?? 'waypoint'
      }}]`;
}

/**
 * `l7-policy-without-waypoint`: an AuthorizationPolicy that only a waypoint
 * can enforce, with no working waypoint to enforce it, on the entity's
 * ambient pods:
 *
 * - a policy with `targetRefs` to a Service whose pods are ambient, when
 *   the Service has no waypoint (or it does not exist or is not
 *   programmed): ztunnel never enforces `targetRefs` policies;
 * - a policy with `targetRefs` to a Gateway that does not exist, or to a
 *   waypoint that is not programmed;
 * - a policy that selects ambient pods (by `selector`, or namespace-wide)
 *   and uses HTTP-only fields, or is `CUSTOM`: ztunnel enforces only its L4
 *   part — an ALLOW rule with HTTP fields never matches (its requests are
 *   denied), a DENY rule matches whatever the request — and runs no CUSTOM
 *   policy. A waypoint does not help until the policy targets it.
 *
 * Gateway targets are judged only when the Gateways were read.
 *
 * @public
 */
export function l7PolicyFindings(facts: AmbientFacts): Finding[] {
  const ambientPods = pods(facts).filter(
    ref => ref.pod.dataplane?.mode === 'ambient',
  );
  const findings: Finding[] = [];
  for (const policy of facts.policies) {
    const object = `${policy.namespace}/AuthorizationPolicy/${policy.name}`;
    const base = {
      id: 'l7-policy-without-waypoint',
      severity: 'error' as const,
      object,
    };
    if (policy.targetRefs) {
      for (const target of policy.targetRefs) {
        const namespace = target.namespace ?? policy.namespace;
        if (target.kind === 'Service' && !target.group) {
          const service = facts.services.find(
            s => s.namespace === namespace && s.name === target.name,
          );
          const selected =
            service &&
            ambientPods.filter(
              ref =>
                ref.workload.namespace === namespace &&
                selectorMatches(service.selector, labelsOf(facts, ref)),
            );
          if (!service || !selected || selected.length === 0) {
            continue;
          }
          const waypoint = serviceWaypoint(
            service,
            facts.namespaceLabels[namespace],
          );
          const what = `AuthorizationPolicy ${policy.namespace}/${policy.name} targets Service ${namespace}/${service.name}, whose pods are in ambient mode`;
          if (!waypoint) {
            findings.push({
              ...base,
              message: `${what}, but the Service has no waypoint (no ${AMBIENT_KEYS.useWaypoint} on it or its namespace): ztunnel does not enforce targetRefs policies, so the policy is not enforced`,
              fix: `istioctl waypoint apply -n ${namespace} --enroll-namespace  # or: istioctl waypoint apply -n ${namespace} && kubectl label service ${service.name} -n ${namespace} ${AMBIENT_KEYS.useWaypoint}=waypoint`,
            });
            continue;
          }
          const gateway = gatewayOf(
            facts.gateways,
            waypoint.namespace,
            waypoint.name,
          );
          if (facts.gateways && !isProgrammed(gateway)) {
            findings.push({
              ...base,
              message: `${what}; its waypoint ${waypoint.namespace}/${
                waypoint.name
              } ${
                gateway ? 'is not programmed' : 'does not exist'
              }, so the policy is not enforced`,
              fix: gateway
                ? `kubectl describe gateway ${waypoint.name} -n ${waypoint.namespace}`
                : `istioctl waypoint apply -n ${waypoint.namespace} --name ${waypoint.name}`,
            });
          }
        } else if (
          target.kind === 'Gateway' &&
          target.group === GATEWAY_API_GROUP &&
          facts.gateways
        ) {
          const gateway = gatewayOf(facts.gateways, namespace, target.name);
          if (!gateway) {
            findings.push({
              ...base,
              message: `AuthorizationPolicy ${policy.namespace}/${policy.name} targets Gateway ${namespace}/${target.name}, which does not exist: the policy is not enforced`,
              fix: `istioctl waypoint apply -n ${namespace} --name ${target.name}  # if it is meant to be a waypoint`,
            });
          } else if (gateway.waypoint && !isProgrammed(gateway)) {
            findings.push({
              ...base,
              message: `AuthorizationPolicy ${policy.namespace}/${
                policy.name
              } targets waypoint ${namespace}/${
                target.name
              }, which is not programmed (${notProgrammedReason(
                gateway,
              )}): the policy is not enforced`,
              fix: `kubectl describe gateway ${target.name} -n ${namespace}`,
            });
          }
        }
      }
      continue;
    }
    const custom = policy.action === 'CUSTOM';
    if (policy.l7Fields.length === 0 && !custom) {
      continue;
    }
    if (!['ALLOW', 'DENY', 'CUSTOM'].includes(policy.action)) {
      continue;
    }
    const selected = ambientPods.filter(
      ref =>
        ref.workload.namespace === policy.namespace &&
        (!policy.selector ||
          selectorMatches(policy.selector, labelsOf(facts, ref))),
    );
    if (selected.length === 0) {
      continue;
    }
    const waypoints = [
      ...new Set(
        selected.flatMap(ref => {
          const w = ref.pod.dataplane?.waypoint;
          return w ? [`${w.namespace}/${w.name}`] : [];
        }),
      ),
    ];
    const service = facts.services
      .filter(
        s =>
          s.namespace === policy.namespace &&
          selected.some(ref =>
            selectorMatches(s.selector, labelsOf(facts, ref)),
          ),
      )
      .sort((a, b) => a.name.localeCompare(b.name))[0]?.name;
    const podCount = `${selected.length} ambient ${
      selected.length === 1 ? 'pod' : 'pods'
    }`;
    const selects = policy.selector
      ? `selects ${podCount} by label`
      : `applies to ${podCount} of namespace ${policy.namespace}`;
    let effect: string;
    if (custom) {
      effect =
        'ztunnel does not run CUSTOM (external authorization) policies, so it is not enforced';
    } else if (policy.action === 'DENY') {
      effect = `ztunnel enforces it and sees only L4, so it ignores the HTTP conditions (${policy.l7Fields.join(
        ', ',
      )}) and denies every matching connection`;
    } else {
      effect = `ztunnel enforces it and sees only L4, so its rules with HTTP fields (${policy.l7Fields.join(
        ', ',
      )}) never match and the requests they should allow are denied`;
    }
    const attach = `replace spec.selector with ${targetRefsExample(
      service,
      waypoints[0]?.split('/')[1],
    )}`;
    findings.push({
      ...base,
      message: `AuthorizationPolicy ${policy.namespace}/${
        policy.name
      } ${selects}: ${effect}${
        waypoints.length > 0
          ? `; their waypoint ${waypoints.join(
              ', ',
            )} enforces only policies that target it with targetRefs`
          : ''
      }`,
      fix:
        waypoints.length > 0
          ? `kubectl edit authorizationpolicy ${policy.name} -n ${policy.namespace}  # ${attach}`
          : `istioctl waypoint apply -n ${policy.namespace} --enroll-namespace; then kubectl edit authorizationpolicy ${policy.name} -n ${policy.namespace}  # ${attach}`,
    });
  }
  return findings;
}

/**
 * ztunnel, when the entity has ambient pods: `ztunnel-not-found` (error)
 * when no ztunnel DaemonSet exists — nothing captures ambient pods — and
 * `ztunnel-not-ready` when fewer of its pods are ready than nodes should
 * run one. Nothing when ztunnel was not read.
 *
 * @public
 */
export function ztunnelFindings(facts: AmbientFacts): Finding[] {
  const ambient = pods(facts).some(
    ref => ref.pod.dataplane?.mode === 'ambient',
  );
  if (!ambient || facts.ztunnel === undefined) {
    return [];
  }
  if (facts.ztunnel === null) {
    return [
      {
        id: 'ztunnel-not-found',
        severity: 'error',
        object: `${ZTUNNEL_DEFAULT_NAMESPACE}/DaemonSet/ztunnel`,
        message:
          'No ztunnel DaemonSet in the cluster: pods in ambient mode have no node proxy, so they are not in the mesh',
        fix: 'istioctl install --set profile=ambient  # installs istio-cni and ztunnel',
      },
    ];
  }
  const { namespace, name, desired, ready } = facts.ztunnel;
  if (ready >= desired) {
    return [];
  }
  return [
    {
      id: 'ztunnel-not-ready',
      severity: 'warning',
      object: `${namespace}/DaemonSet/${name}`,
      message: `ztunnel is ready on ${ready} of ${desired} nodes: ambient pods on the other nodes are not served`,
      fix: `kubectl rollout status daemonset/${name} -n ${namespace}; kubectl get pods -n ${namespace} -l app=ztunnel -o wide`,
    },
  ];
}

/**
 * Every ambient rule: ztunnel, capture, sidecar-and-ambient, opt-outs,
 * waypoints, then L7 policies.
 *
 * @public
 */
export function ambientFindings(facts: AmbientFacts): Finding[] {
  return [
    ...ztunnelFindings(facts),
    ...ambientCaptureFindings(facts),
    ...sidecarAndAmbientFindings(facts),
    ...ambientOptOutFindings(facts),
    ...waypointFindings(facts),
    ...l7PolicyFindings(facts),
  ];
}

/**
 * `namespace-uses-other-waypoint` (error, for an action's pre-flight): a
 * namespace is to be enrolled to waypoint `waypoint` of its own, but its
 * `istio.io/use-waypoint` label (with `istio.io/use-waypoint-namespace`)
 * already names another waypoint, or `none`. Moving a namespace's traffic
 * to another waypoint changes which L7 policies apply to it, so a template
 * does not do it silently; the fix relabels the namespace by hand.
 *
 * @public
 */
export function namespaceWaypointFindings(
  namespace: string,
  labels: Record<string, string> | undefined,
  waypoint: string,
): RuleFinding[] {
  const current = useWaypointLabel(labels, namespace);
  if (
    current === undefined ||
    (current !== 'none' &&
      current.namespace === namespace &&
      current.name === waypoint)
  ) {
    return [];
  }
  const relabel = `kubectl label namespace ${namespace} ${
    AMBIENT_KEYS.useWaypoint
  }=${waypoint} --overwrite${
    labels?.[AMBIENT_KEYS.useWaypointNamespace] !== undefined
      ? ` ${AMBIENT_KEYS.useWaypointNamespace}-`
      : ''
  }`;
  const base = {
    id: 'namespace-uses-other-waypoint',
    severity: 'error' as const,
    object: `Namespace/${namespace}`,
  };
  if (current === 'none') {
    return [
      {
        ...base,
        message: `Namespace ${namespace} is labelled ${AMBIENT_KEYS.useWaypoint}=none (its services opted out of waypoints); a template does not enrol it to waypoint ${namespace}/${waypoint}`,
        fix: `to enrol it: ${relabel}; then re-run. To keep the opt-out, leave out waypoint`,
      },
    ];
  }
  const label =
    current.namespace === namespace
      ? `${AMBIENT_KEYS.useWaypoint}=${current.name}`
      : `${AMBIENT_KEYS.useWaypoint}=${current.name}, ${AMBIENT_KEYS.useWaypointNamespace}=${current.namespace}`;
  return [
    {
      ...base,
      message: `Namespace ${namespace} already uses waypoint ${current.namespace}/${current.name} (${label}); a template does not move it to waypoint ${namespace}/${waypoint}`,
      fix: `to move it: ${relabel}; then re-run. To keep the current waypoint, leave out waypoint`,
    },
  ];
}
