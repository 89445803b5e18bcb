import { ConflictError } from '@backstage/errors';
import {
  kubernetesErrorCode,
  kubernetesErrorMessage,
} from '@meshdeck/plugin-istio-node';

/** Where an apply of several objects stopped, and what it had done. */
export type ApplyProgress = {
  /** The object whose apply failed (`namespace/Kind/name`). */
  ref: string;
  cluster: string;
  /** The objects applied before it, in order, and what happened to each. */
  applied: Array<{ ref: string; outcome: string }>;
  /** The objects after it, not attempted. */
  notApplied: string[];
  dryRun: boolean;
};

/**
 * True when the cluster gave no answer: a reset, refused or timed-out
 * connection, an answer cut off (client-node's FetchError, Node's `E…`
 * codes).
 */
export function isNoAnswer(error: unknown): boolean {
  const e = error as
    | { code?: unknown; type?: unknown; name?: unknown; message?: unknown }
    | undefined;
  return (
    (typeof e?.code === 'string' && /^E[A-Z_]+$/.test(e.code)) ||
    e?.type === 'system' ||
    e?.name === 'FetchError' ||
    e?.name === 'AbortError' ||
    /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up/.test(
      String(e?.message ?? ''),
    )
  );
}

/**
 * True for a failure that running the task again may get past: no answer
 * (see {@link isNoAnswer}), throttling (429) or the API server failing
 * (5xx). A refusal (400, 403, 422 …) needs another input.
 */
export function isPassingFailure(error: unknown): boolean {
  const code = kubernetesErrorCode(error);
  return code === undefined ? isNoAnswer(error) : code === 429 || code >= 500;
}

/**
 * The error an apply that stopped part-way ends the action with, in one
 * message for the task log: which object failed and why (with the HTTP
 * status, or that the cluster did not answer and the object may or may not
 * have been written), what was applied before it and how, what was not
 * applied after it, and — when the failure may pass — that running the
 * task again finishes the job (server-side apply of the same objects by
 * name converges; nothing is created twice). A field-manager conflict stays
 * a ConflictError.
 */
export function applyFailure(error: unknown, progress: ApplyProgress): Error {
  const { ref, cluster, applied, notApplied, dryRun } = progress;
  const code = kubernetesErrorCode(error);
  const message = kubernetesErrorMessage(error);
  const conflict = error instanceof ConflictError;
  // no answer: whether the object was written is unknown
  const unknownOutcome = !conflict && code === undefined && isNoAnswer(error);
  let reason: string;
  if (conflict) {
    reason = error.message;
  } else if (unknownOutcome) {
    reason = `${ref} failed: no answer from cluster '${cluster}' (${message}); it may or may not have been ${
      dryRun ? 'checked' : 'applied'
    }.`;
  } else if (code !== undefined) {
    reason = `${ref} failed: ${message} (HTTP ${code}).`;
  } else {
    reason = `${ref} failed: ${message}.`;
  }
  const lines = [
    reason,
    applied.length > 0
      ? `Applied before it: ${applied
          .map(r => `${r.ref} (${r.outcome})`)
          .join(', ')}.`
      : // with the failed object's fate unknown, only what came before
        `Nothing was applied${unknownOutcome ? ' before it' : ''}.`,
  ];
  if (notApplied.length > 0) {
    lines.push(`Not applied: ${notApplied.join(', ')}.`);
  }
  if (!dryRun && !conflict && isPassingFailure(error)) {
    lines.push(
      'Run the task again once the cluster answers: server-side apply brings every object to the state the template asks for, without duplicates.',
    );
  }
  const text = lines.join(' ');
  return conflict ? new ConflictError(text) : new Error(text);
}
