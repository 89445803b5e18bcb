import {
  ACM_CERTIFICATE_ARN_ANNOTATION,
  ClusterError,
  MeshExternalSecret,
} from '@meshdeck/plugin-istio-common';
import { TlsSecretCertificate } from '@meshdeck/plugin-istio-node';
import { AcmCertificate, AcmReader } from './AcmReader';

/** What went wrong asking ACM, in the shape of a cluster error. */
export function acmError(e: unknown): ClusterError {
  const name = (e as Error).name ?? '';
  let kind: ClusterError['kind'] = 'other';
  if (/Throttl/.test(name)) {
    kind = 'timeout';
  } else if (/AccessDenied|Unrecognized|Credentials/i.test(name)) {
    kind = 'forbidden';
  }
  return { source: 'acm', kind, message: `ACM: ${(e as Error).message}` };
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
