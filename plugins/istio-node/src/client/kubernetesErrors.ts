/**
 * Helpers for errors thrown by @kubernetes/client-node (ApiException with a
 * numeric `code` and the API server's Status as `body`).
 */

/** The HTTP status of a client-node error, if it has one. @public */
export function kubernetesErrorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's own message (`Status.message`), else the error's. @public */
export function kubernetesErrorMessage(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  let status: { message?: string } | undefined;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      status = { message: body };
    }
  } else if (body && typeof body === 'object') {
    status = body as { message?: string };
  }
  return status?.message ?? (error as Error)?.message ?? String(error);
}

/** @public */
export function isNotFound(error: unknown): boolean {
  return kubernetesErrorCode(error) === 404;
}
