import { show } from './show';

/**
 * Validators for Kubernetes and DNS names. Each returns `undefined` when the
 * value is valid, or a sentence saying what is wrong with it.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

/**
 * A DNS-1123 label: what Kubernetes requires of namespace and Service names.
 *
 * @public
 */
export function validateDns1123Label(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 63) {
    return `must be at most 63 characters (has ${value.length})`;
  }
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lower-case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/**
 * A DNS-1123 subdomain: what Kubernetes requires of most object names.
 *
 * @public
 */
export function validateDns1123Subdomain(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 253) {
    return `must be at most 253 characters (has ${value.length})`;
  }
  for (const part of value.split('.')) {
    const problem = validateDns1123Label(part);
    if (problem) {
      return `each dot-separated part ${problem}`;
    }
  }
  return undefined;
}

/**
 * An RFC 1123 host name as Istio accepts it in Gateway and VirtualService
 * hosts: fully qualified, optionally with one leading `*.` wildcard label.
 *
 * @public
 */
export function validateHostname(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 253) {
    return `must be at most 253 characters (has ${value.length})`;
  }
  const labels = value.split('.');
  const [first, ...rest] = labels;
  const last = labels[labels.length - 1];
  if (first === '*') {
    if (rest.length < 2) {
      return 'a wildcard host needs at least two labels after "*." (e.g. *.example.com)';
    }
  } else if (first.includes('*')) {
    return 'a wildcard is only allowed as the whole first label ("*.")';
  }
  if (rest.length === 0) {
    return 'must be a fully qualified host name (e.g. shop.example.com)';
  }
  for (const label of first === '*' ? rest : labels) {
    if (label.length === 0) {
      return 'must not contain empty labels ("..") or end with "."';
    }
    if (label.includes('*')) {
      return 'a wildcard is only allowed as the whole first label ("*.")';
    }
    if (label.length > 63) {
      return `label ${show(label)} is longer than 63 characters`;
    }
    if (!HOST_LABEL.test(label)) {
      return `label ${show(
        label,
      )} may only contain letters, digits and "-", and must start and end with a letter or digit`;
    }
  }
  if (/^[0-9]+$/.test(last)) {
    // 10.0.0.1 and the like: SNI and certificates name hosts, not addresses
    return 'must be a host name, not an IP address (its last label is all digits)';
  }
  return undefined;
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * A Kubernetes label or annotation key: an optional DNS-1123 subdomain
 * prefix and `/`, then a name of at most 63 characters.
 *
 * @public
 */
export function validateQualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) {
    return 'may contain at most one "/"';
  }
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = validateDns1123Subdomain(parts[0]);
    if (prefix) {
      return `prefix ${show(parts[0])}: ${prefix}`;
    }
  }
  if (name.length === 0 || name.length > 63) {
    return 'name part must be 1 to 63 characters';
  }
  if (!QUALIFIED_NAME.test(name)) {
    return 'name part may only contain letters, digits, "-", "_" and ".", and must start and end with a letter or digit';
  }
  return undefined;
}

/**
 * A Kubernetes label value.
 *
 * @public
 */
export function validateLabelValue(value: string): string | undefined {
  if (value.length > 63) {
    return `must be at most 63 characters (has ${value.length})`;
  }
  if (!LABEL_VALUE.test(value)) {
    return 'may only contain letters, digits, "-", "_" and ".", and must start and end with a letter or digit';
  }
  return undefined;
}
