import type { MeshCredential, RuleFinding } from '../model';
import { certificateCoverage } from '../rules/certificates';
import { GatewayApiModel, K8sGateway, K8sGatewayListener } from './model';

/**
 * Certificates of Gateway API listeners. A listener terminating TLS presents
 * the certificates of its `certificateRefs` (core Secrets); every intersected
 * hostname a client may ask for must be on one of them (Gateway API
 * "Hostnames", SNI matching: a wildcard SAN covers one label, RFC 2818).
 */

/** True when the listener terminates TLS (HTTPS, or TLS with mode Terminate). @public */
export function listenerTerminatesTls(listener: K8sGatewayListener): boolean {
  return !!listener.tls && listener.tls.mode === 'Terminate';
}

/** The core Secrets a listener's certificateRefs name. @public */
export function listenerCertificateSecrets(
  listener: K8sGatewayListener,
): Array<{ namespace: string; name: string }> {
  return (listener.tls?.certificateRefs ?? [])
    .filter(r => r.group === '' && r.kind === 'Secret' && r.name)
    .map(r => ({ namespace: r.namespace, name: r.name }));
}

/**
 * IST0101 / IST0161: the listener's certificate Secrets exist, hold a
 * certificate, and together cover `hostnames` (the intersected hostnames of
 * the routes on it, or the listener's own hostname) without being expired.
 * Says nothing about Secrets the model did not read, or about the `*`
 * hostname.
 *
 * @public
 */
export function listenerCertificateFindings(
  model: Pick<GatewayApiModel, 'credentials'>,
  gateway: K8sGateway,
  listener: K8sGatewayListener,
  hostnames: readonly string[],
): RuleFinding[] {
  if (!listenerTerminatesTls(listener)) {
    return [];
  }
  const hosts = [...new Set(hostnames.filter(h => h !== '*'))];
  const credentials = listenerCertificateSecrets(listener).flatMap(s => {
    const c = model.credentials.find(
      x => x.namespace === s.namespace && x.name === s.name,
    );
    return c ? [c] : [];
  });
  const findings: RuleFinding[] = [];
  const usable: Array<
    MeshCredential & { certificate: NonNullable<MeshCredential['certificate']> }
  > = [];
  for (const c of credentials) {
    const object = `${c.namespace}/Secret/${c.name}`;
    const where = `${c.namespace}/${c.name}`;
    if (!c.exists) {
      findings.push({
        id: 'gateway-credential-missing',
        severity: 'error',
        code: 'IST0101',
        object,
        message: `the certificate Secret ${where} of listener '${listener.name}' of Gateway ${gateway.ref} does not exist`,
        fix: `kubectl create secret tls ${c.name} -n ${c.namespace} --cert=tls.crt --key=tls.key`,
        missingReference: true,
      });
    } else if (!c.certificate) {
      findings.push({
        id: 'gateway-credential-unusable',
        severity: 'error',
        code: 'IST0161',
        object,
        message: `the certificate Secret ${where} of listener '${
          listener.name
        }' of Gateway ${gateway.ref} is unusable: ${
          c.problem ?? 'no certificate'
        }`,
      });
    } else {
      usable.push({ ...c, certificate: c.certificate });
    }
  }
  if (hosts.length === 0 || usable.length === 0) {
    return findings;
  }
  const coverages = usable.map(c =>
    certificateCoverage(c.certificate, hosts, c),
  );
  coverages.forEach(cov =>
    findings.push(...cov.findings.filter(f => f.id === 'certificate-expired')),
  );
  // a host is covered when any of the listener's certificates covers it
  const uncovered = hosts.filter(h =>
    coverages.every(cov => cov.uncoveredHosts.includes(h)),
  );
  if (uncovered.length > 0) {
    findings.push(
      ...certificateCoverage(
        usable[0].certificate,
        uncovered,
        usable[0],
      ).findings.filter(f => f.id === 'certificate-hosts-not-covered'),
    );
  }
  return findings;
}
