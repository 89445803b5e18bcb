import {
  ACM_CERTIFICATE_ARN_ANNOTATION,
  ClusterError,
  MeshExternalSecret,
} from '@meshdeck/plugin-istio-common';
import { TlsSecretCertificate } from '@meshdeck/plugin-istio-node';
import { AcmCertificate, acmOutage, AcmReader } from './AcmReader';

/**
 * What went wrong asking ACM (when no last good answer could stand in), in
 * the shape of a cluster error: throttling is a `timeout`, ACM down or
 * failing `unreachable` (both kept only briefly in the status cache),
 * missing permissions `forbidden`.
 */
export function acmError(e: unknown): ClusterError {
  const name = (e as Error)?.name ?? '';
  const outage = acmOutage(e);
  let kind: ClusterError['kind'] = 'other';
  if (outage === 'throttled') {
    kind = 'timeout';
  } else if (outage) {
    kind = 'unreachable';
  } else if (/AccessDenied|Unrecognized|Credentials/i.test(name)) {
    kind = 'forbidden';
  }
  // a refused connection's AggregateError has no message, only a code
  const message =
    (e as Error)?.message || (e as { code?: string })?.code || name || 'failed';
  return { source: 'acm', kind, message: `ACM: ${message}` };
}

/**
 * The ACM certificate behind a gateway secret: by the ARN annotation on the
 * secret or its ExternalSecret, an ACM ARN the ExternalSecret reads (`data`
 * before `dataFrom`), or the issued certificate whose names cover the hosts.
 * Nothing without a reader
 * (ACM not configured); a failure is an error entry, not an exception.
 */
export async function acmFor(
  reader: AcmReader | undefined,
  hosts: string[],
  tls: TlsSecretCertificate,
  externalSecret: MeshExternalSecret | undefined,
): Promise<{ acm?: AcmCertificate; error?: ClusterError }> {
  if (!reader) {
    return {};
  }
  try {
    const arn =
      (tls.exists ? tls.acmArn : undefined) ??
      externalSecret?.annotations[ACM_CERTIFICATE_ARN_ANNOTATION] ??
      externalSecret?.remoteKeys.find(k => k.startsWith('arn:aws:acm:')) ??
      (await reader.findCovering(hosts));
    return arn ? { acm: await reader.describe(arn) } : {};
  } catch (e) {
    return { error: acmError(e) };
  }
}
