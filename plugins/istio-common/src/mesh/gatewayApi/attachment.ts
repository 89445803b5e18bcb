import { routeHostnamesOnListener } from './hostnames';
import {
  GATEWAY_API_GROUP,
  GatewayApiModel,
  HttpRoute,
  HttpRouteParentRef,
  K8sGateway,
  K8sGatewayListener,
  KubernetesLabelSelector,
} from './model';

/**
 * Route attachment (Gateway API v1.5.1, `Listener.allowedRoutes`,
 * `ParentReference`): a parentRef selects the Gateway's listeners (all of
 * them, or the one named by `sectionName`, narrowed by `port`); a listener
 * takes the route when its kind is allowed (by `allowedRoutes.kinds`, else by
 * the protocol), its namespace is allowed (`allowedRoutes.namespaces.from`:
 * `Same` — the default —, `All` or `Selector`) and a hostname intersects.
 * Cross-namespace attachment needs no ReferenceGrant: the listener decides.
 */

/**
 * True when a `metav1.LabelSelector` selects these labels. An empty selector
 * selects everything, as in Kubernetes.
 *
 * @public
 */
export function kubernetesLabelSelectorMatches(
  selector: KubernetesLabelSelector,
  labels: Record<string, string>,
): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(
    ([k, v]) => labels[k] === v,
  );
  const byExpressions = (selector.matchExpressions ?? []).every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

function selectorText(selector: KubernetesLabelSelector | undefined): string {
  if (!selector) {
    return 'no selector';
  }
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map(
      e => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values})` : ''}`,
    ),
  ];
  return parts.join(', ') || 'everything';
}

/**
 * Whether a listener takes HTTPRoutes of a namespace: `true`, `false` with the
 * reason, or `undefined` when the namespace's labels are not known (a
 * `Selector` cannot be judged).
 *
 * @public
 */
export type ListenerAcceptance =
  | { accepted: true }
  | { accepted: false; because: string }
  | { accepted: undefined; because: string };

/**
 * Whether `listener` of `gateway` takes an HTTPRoute from `routeNamespace`
 * (kinds and namespaces; hostnames are judged separately).
 *
 * @public
 */
export function listenerAcceptsRoute(
  gateway: K8sGateway,
  listener: K8sGatewayListener,
  routeNamespace: string,
  namespaceLabels: Record<string, Record<string, string>>,
): ListenerAcceptance {
  const { kinds, namespaces } = listener.allowedRoutes;
  if (kinds.length > 0) {
    if (
      !kinds.some(k => k.group === GATEWAY_API_GROUP && k.kind === 'HTTPRoute')
    ) {
      return {
        accepted: false,
        because: `it takes only ${kinds.map(k => k.kind).join(', ')}`,
      };
    }
  } else if (!['HTTP', 'HTTPS'].includes(listener.protocol.toUpperCase())) {
    return {
      accepted: false,
      because: `its protocol ${listener.protocol} takes no HTTPRoutes`,
    };
  }
  switch (namespaces.from) {
    case 'All':
      return { accepted: true };
    case 'Same':
      return routeNamespace === gateway.namespace
        ? { accepted: true }
        : {
            accepted: false,
            because: `it takes routes only from its own namespace '${gateway.namespace}' (allowedRoutes.namespaces.from: Same)`,
          };
    case 'Selector': {
      if (!namespaces.selector) {
        return {
          accepted: false,
          because:
            'allowedRoutes.namespaces.from is Selector without a selector',
        };
      }
      const labels = namespaceLabels[routeNamespace];
      if (!labels) {
        return {
          accepted: undefined,
          because: `the labels of namespace '${routeNamespace}' are not known`,
        };
      }
      return kubernetesLabelSelectorMatches(namespaces.selector, labels)
        ? { accepted: true }
        : {
            accepted: false,
            because: `it takes routes only from namespaces labelled ${selectorText(
              namespaces.selector,
            )} (allowedRoutes.namespaces.from: Selector), and '${routeNamespace}' is not`,
          };
    }
    default:
      return {
        accepted: false,
        because: `allowedRoutes.namespaces.from is ${namespaces.from}`,
      };
  }
}

/** True when a parentRef names a Gateway API Gateway. @public */
export function isGatewayParentRef(parentRef: HttpRouteParentRef): boolean {
  return parentRef.group === GATEWAY_API_GROUP && parentRef.kind === 'Gateway';
}

/** The listeners a parentRef selects (by `sectionName` and `port`). @public */
export function listenersOfParentRef(
  gateway: K8sGateway,
  parentRef: HttpRouteParentRef,
): K8sGatewayListener[] {
  return gateway.listeners.filter(
    l =>
      (parentRef.sectionName === undefined ||
        l.name === parentRef.sectionName) &&
      (parentRef.port === undefined || l.port === parentRef.port),
  );
}

/** A route on one listener. @public */
export type ListenerAttachment = {
  gateway: K8sGateway;
  listener: K8sGatewayListener;
  acceptance: ListenerAcceptance;
  /** The intersected hostnames; empty when none intersect. */
  hostnames: string[];
  /** Allowed (or not known to be refused) and with hostnames. */
  attached: boolean;
};

/** A route on one parentRef. @public */
export type ParentAttachment = {
  parentRef: HttpRouteParentRef;
  /** Undefined when the Gateway is not in the model. */
  gateway?: K8sGateway;
  /** Every listener the parentRef selects. */
  listeners: ListenerAttachment[];
};

/**
 * How a route attaches to each of its Gateway parentRefs (other parent kinds,
 * e.g. a Service for mesh routing, are left out).
 *
 * @public
 */
export function httpRouteAttachments(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  route: HttpRoute,
): ParentAttachment[] {
  return route.parentRefs.filter(isGatewayParentRef).map(parentRef => {
    const gateway = model.gateways.find(g => g.ref === parentRef.ref);
    if (!gateway) {
      return { parentRef, listeners: [] };
    }
    return {
      parentRef,
      gateway,
      listeners: listenersOfParentRef(gateway, parentRef).map(listener => {
        const acceptance = listenerAcceptsRoute(
          gateway,
          listener,
          route.namespace,
          model.namespaceLabels,
        );
        const hostnames = routeHostnamesOnListener(
          listener.hostname,
          route.hostnames,
        );
        return {
          gateway,
          listener,
          acceptance,
          hostnames,
          attached: acceptance.accepted !== false && hostnames.length > 0,
        };
      }),
    };
  });
}

/** The listeners a route is attached to, over all its parentRefs. @public */
export function attachedListeners(
  model: Pick<GatewayApiModel, 'gateways' | 'namespaceLabels'>,
  route: HttpRoute,
): ListenerAttachment[] {
  const seen = new Set<string>();
  return httpRouteAttachments(model, route)
    .flatMap(p => p.listeners)
    .filter(a => {
      const key = `${a.gateway.ref}#${a.listener.name}`;
      return a.attached && !seen.has(key) ? (seen.add(key), true) : false;
    });
}
