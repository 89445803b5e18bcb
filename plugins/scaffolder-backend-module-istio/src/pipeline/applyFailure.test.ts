import { ConflictError } from '@backstage/errors';
import { applyFailure, isPassingFailure } from './applyFailure';

/** An error as @kubernetes/client-node throws it for an HTTP answer. */
const httpError = (code: number, message: string) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), {
    code,
    body: JSON.stringify({ kind: 'Status', code, message }),
  });

const progress = {
  ref: 'shop/PeerAuthentication/default',
  cluster: 'prod',
  applied: [{ ref: 'Namespace/shop', outcome: 'created' }],
  notApplied: ['shop/DestinationRule/checkout'],
  dryRun: false,
};

describe('applyFailure', () => {
  it('names the failed object with the HTTP status, what was applied before it and what was not', () => {
    const error = applyFailure(
      httpError(500, 'etcdserver: leader changed'),
      progress,
    );
    expect(error).not.toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'shop/PeerAuthentication/default failed: etcdserver: leader changed (HTTP 500). ' +
        'Applied before it: Namespace/shop (created). ' +
        'Not applied: shop/DestinationRule/checkout. ' +
        'Run the task again once the cluster answers: server-side apply brings every object to the state the template asks for, without duplicates.',
    );
  });

  it('says an object may or may not be written when the cluster did not answer', () => {
    const reset = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
    });
    expect(
      applyFailure(reset, { ...progress, applied: [], notApplied: [] }).message,
    ).toBe(
      "shop/PeerAuthentication/default failed: no answer from cluster 'prod' (socket hang up); it may or may not have been applied. " +
        'Nothing was applied before it. ' +
        'Run the task again once the cluster answers: server-side apply brings every object to the state the template asks for, without duplicates.',
    );
  });

  it('does not promise that a re-run helps with a refusal, a conflict or a dry run', () => {
    const invalid = applyFailure(
      httpError(422, 'spec.to.group: Invalid value'),
      progress,
    );
    expect(invalid.message).toContain(
      '(HTTP 422). Applied before it: Namespace/shop (created).',
    );
    expect(invalid.message).not.toContain('Run the task again');

    const conflict = applyFailure(
      new ConflictError(
        'shop/PeerAuthentication/default: conflict with "platform-team"; re-run with force to take them over.',
      ),
      progress,
    );
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(
      applyFailure(new ConflictError('x: conflict.'), {
        ...progress,
        applied: [],
        notApplied: [],
      }).message,
    ).toBe('x: conflict. Nothing was applied.');
    expect(conflict.message).toBe(
      'shop/PeerAuthentication/default: conflict with "platform-team"; re-run with force to take them over. ' +
        'Applied before it: Namespace/shop (created). Not applied: shop/DestinationRule/checkout.',
    );

    expect(
      applyFailure(httpError(503, 'unavailable'), { ...progress, dryRun: true })
        .message,
    ).not.toContain('Run the task again');
  });

  it('says only what it knows of any other failure', () => {
    expect(
      applyFailure(new TypeError('x is not a function'), progress).message,
    ).toBe(
      'shop/PeerAuthentication/default failed: x is not a function. ' +
        'Applied before it: Namespace/shop (created). ' +
        'Not applied: shop/DestinationRule/checkout.',
    );
  });

  it('tells failures that may pass from refusals', () => {
    expect(isPassingFailure(new Error('socket hang up'))).toBe(true);
    expect(
      isPassingFailure(
        Object.assign(new Error('request to x failed'), {
          name: 'FetchError',
          type: 'system',
          code: 'ECONNREFUSED',
        }),
      ),
    ).toBe(true);
    expect(isPassingFailure(new TypeError('x is not a function'))).toBe(false);
    expect(isPassingFailure(httpError(429, 'slow down'))).toBe(true);
    expect(isPassingFailure(httpError(503, 'unavailable'))).toBe(true);
    expect(isPassingFailure(httpError(403, 'forbidden'))).toBe(false);
    expect(isPassingFailure(httpError(422, 'invalid'))).toBe(false);
  });
});
