import { ClusterError } from '@meshdeck/plugin-istio-common';
import {
  kubernetesErrorCode,
  kubernetesErrorMessage,
} from '@meshdeck/plugin-istio-node';

/** Raised when a cluster does not answer within the request timeout. */
export class ClusterTimeoutError extends Error {
  constructor(cluster: string, ms: number) {
    super(`cluster '${cluster}' did not answer within ${ms} ms`);
    this.name = 'ClusterTimeoutError';
  }
}

const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|socket hang up|certificate/i;

/**
 * What went wrong reading a cluster, in words a service owner can act on.
 * Forbidden errors keep the API server's message, which names the missing
 * verb and resource.
 */
export function classifyClusterError(error: unknown): ClusterError {
  if (error instanceof ClusterTimeoutError) {
    return { source: 'kubernetes', kind: 'timeout', message: error.message };
  }
  const code = kubernetesErrorCode(error);
  const message = kubernetesErrorMessage(error);
  if (code === 401 || code === 403) {
    return { source: 'kubernetes', kind: 'forbidden', message };
  }
  // throttled or failing for now: transient, like a timeout or an outage
  // (an answer with them is kept seconds, not a whole TTL)
  if (code === 429) {
    return {
      source: 'kubernetes',
      kind: 'timeout',
      message: `the API server is throttling (HTTP 429): ${message}`,
    };
  }
  if (code !== undefined && code >= 500) {
    return {
      source: 'kubernetes',
      kind: 'unreachable',
      message: `the API server failed (HTTP ${code}): ${message}`,
    };
  }
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  if (
    UNREACHABLE.test(`${message} ${cause?.code ?? ''} ${cause?.message ?? ''}`)
  ) {
    return {
      source: 'kubernetes',
      kind: 'unreachable',
      message: `cannot reach the API server: ${cause?.message ?? message}`,
    };
  }
  return { source: 'kubernetes', kind: 'other', message };
}

/** Rejects with ClusterTimeoutError when `work` takes longer than `ms`. */
export async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  cluster: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ClusterTimeoutError(cluster, ms)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
