import { mockServices } from '@backstage/backend-test-utils';
import { acmOutage, AcmReader } from './AcmReader';
import { acmError } from './acmFor';
import { memoryCache } from '../__testUtils__/memoryCache';

const ARN = 'arn:aws:acm:eu-west-1:1:certificate/x';

const issued = {
  Certificate: {
    Status: 'ISSUED',
    Serial: '0a:1b',
    Type: 'AMAZON_ISSUED',
    NotAfter: new Date('2027-01-01T00:00:00Z'),
    RenewalSummary: { RenewalStatus: 'SUCCESS' },
    InUseBy: ['arn:aws:elasticloadbalancing:lb'],
  },
};

const throttling = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
const refused = () =>
  Object.assign(new AggregateError([], ''), {
    code: 'ECONNREFUSED',
    errors: [{ code: 'ECONNREFUSED' }],
  });
const unavailable = () =>
  Object.assign(new Error('Service Unavailable'), {
    name: 'ServiceUnavailableException',
    $metadata: { httpStatusCode: 503 },
  });
const denied = () =>
  Object.assign(new Error('not allowed'), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 400 },
  });

function readerWith(send: jest.Mock) {
  const logger = mockServices.logger.mock();
  return {
    reader: new AcmReader({ send } as any, memoryCache(), logger),
    logger,
  };
}

describe('acmOutage', () => {
  it('tells ACM down, throttling or failing from errors that are answers', () => {
    expect(acmOutage(throttling())).toBe('throttled');
    expect(
      acmOutage(
        Object.assign(new Error('x'), {
          name: 'Unknown',
          $metadata: { httpStatusCode: 429 },
        }),
      ),
    ).toBe('throttled');
    expect(acmOutage(unavailable())).toBe('unavailable');
    expect(
      acmOutage(
        Object.assign(new Error(''), {
          name: 'Unknown',
          $metadata: { httpStatusCode: 502 },
        }),
      ),
    ).toBe('unavailable');
    expect(acmOutage(refused())).toBe('unreachable');
    expect(
      acmOutage(
        Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      ),
    ).toBe('unreachable');
    expect(acmOutage(new Error('socket hang up'))).toBe('unreachable');
    expect(
      acmOutage(
        new Error('AWS SDK error wrapper for TimeoutError: read ECONNRESET'),
      ),
    ).toBe('unreachable');
    expect(
      acmOutage(Object.assign(new Error('t'), { name: 'TimeoutError' })),
    ).toBe('unreachable');
    expect(acmOutage(denied())).toBeUndefined();
    expect(
      acmOutage(
        Object.assign(new Error('no such certificate'), {
          name: 'ResourceNotFoundException',
          $metadata: { httpStatusCode: 400 },
        }),
      ),
    ).toBeUndefined();
    expect(acmOutage(undefined)).toBeUndefined();
  });

  it('gives the status error a kind the status cache keeps only briefly', () => {
    expect(acmError(throttling())).toEqual({
      source: 'acm',
      kind: 'timeout',
      message: 'ACM: Rate exceeded',
    });
    expect(acmError(refused())).toEqual({
      source: 'acm',
      kind: 'unreachable',
      message: 'ACM: ECONNREFUSED',
    });
    expect(acmError(unavailable()).kind).toBe('unreachable');
    expect(acmError(denied()).kind).toBe('forbidden');
  });
});

describe('AcmReader', () => {
  it('answers from the last good answer with a staleness note when ACM throttles, is down or fails', async () => {
    const send = jest
      .fn()
      .mockResolvedValueOnce(issued)
      .mockRejectedValueOnce(throttling())
      .mockRejectedValueOnce(refused())
      .mockRejectedValueOnce(unavailable());
    const { reader, logger } = readerWith(send);
    const before = new Date().toISOString();
    const first = await reader.describe(ARN);
    const after = new Date().toISOString();
    expect(first).toEqual({
      arn: ARN,
      status: 'ISSUED',
      serial: '0a:1b',
      type: 'AMAZON_ISSUED',
      notAfter: '2027-01-01T00:00:00.000Z',
      renewalStatus: 'SUCCESS',
      inUseBy: ['arn:aws:elasticloadbalancing:lb'],
    });

    const throttled = await reader.describe(ARN);
    expect(throttled).toEqual({
      ...first,
      stale: true,
      staleness: {
        since: expect.any(String),
        reason: 'throttled',
        message: 'ThrottlingException: Rate exceeded',
      },
    });
    const since = throttled.staleness!.since;
    expect(since >= before && since <= after).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(`using the last good answer, read ${since}`),
    );

    expect((await reader.describe(ARN)).staleness).toEqual({
      since,
      reason: 'unreachable',
      message: 'AggregateError: ECONNREFUSED',
    });
    expect((await reader.describe(ARN)).staleness).toMatchObject({
      since,
      reason: 'unavailable',
    });
  });

  it('gives up on an ACM that never answers within its budget, and the last good answer stands in', async () => {
    // as the SDK does: the request ends only when its abort signal fires
    const never = (_command: unknown, options: { abortSignal: AbortSignal }) =>
      new Promise((_resolve, reject) =>
        options.abortSignal.addEventListener('abort', () =>
          reject(
            Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
          ),
        ),
      );
    const send = jest
      .fn()
      .mockResolvedValueOnce(issued)
      .mockImplementation(never);
    const reader = new AcmReader(
      { send } as any,
      memoryCache(),
      mockServices.logger.mock(),
      200,
    );
    await reader.describe(ARN);
    const started = Date.now();
    const stale = await reader.describe(ARN);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stale.staleness).toMatchObject({
      reason: 'unreachable',
      message: 'AbortError: Request aborted',
    });
  });

  it('takes a fresh answer again once ACM answers, and dates the next stale one by it', async () => {
    const send = jest
      .fn()
      .mockResolvedValueOnce(issued)
      .mockRejectedValueOnce(throttling())
      .mockResolvedValueOnce({
        Certificate: { ...issued.Certificate, Serial: '0c:2d' },
      })
      .mockRejectedValueOnce(refused());
    const { reader } = readerWith(send);
    await reader.describe(ARN);
    const stale = await reader.describe(ARN);
    const fresh = await reader.describe(ARN);
    expect(fresh.stale).toBeUndefined();
    expect(fresh.serial).toBe('0c:2d');
    const again = await reader.describe(ARN);
    expect(again).toMatchObject({ serial: '0c:2d', stale: true });
    expect(again.staleness!.since >= stale.staleness!.since).toBe(true);
  });

  it('passes the error on when there is no earlier answer', async () => {
    const { reader } = readerWith(jest.fn().mockRejectedValue(throttling()));
    await expect(reader.describe('arn:x')).rejects.toThrow('Rate exceeded');
  });

  it('passes on errors that are answers, even with an earlier answer', async () => {
    const { reader } = readerWith(
      jest.fn().mockResolvedValueOnce(issued).mockRejectedValueOnce(denied()),
    );
    await reader.describe(ARN);
    await expect(reader.describe(ARN)).rejects.toThrow('not allowed');
  });

  it('finds the covering certificate found last time while ACM cannot list', async () => {
    const page = {
      CertificateSummaryList: [
        {
          CertificateArn: ARN,
          DomainName: '*.shop.example.com',
          SubjectAlternativeNameSummaries: ['*.shop.example.com'],
        },
      ],
    };
    const send = jest
      .fn()
      .mockResolvedValueOnce(page)
      .mockResolvedValueOnce({ CertificateSummaryList: [] })
      .mockRejectedValueOnce(throttling())
      .mockRejectedValueOnce(throttling())
      .mockRejectedValueOnce(denied());
    const { reader } = readerWith(send);
    const hosts = ['a.shop.example.com', 'b.shop.example.com'];
    expect(await reader.findCovering(hosts)).toBe(ARN);
    // another set of hosts, none covering: remembered as none
    expect(await reader.findCovering(['x.other.example'])).toBeUndefined();
    expect(await reader.findCovering([...hosts].reverse())).toBe(ARN);
    expect(await reader.findCovering(['x.other.example'])).toBeUndefined();
    await expect(reader.findCovering(hosts)).rejects.toThrow('not allowed');
    // never found before: the outage is passed on
    send.mockRejectedValueOnce(throttling());
    await expect(reader.findCovering(['new.example'])).rejects.toThrow(
      'Rate exceeded',
    );
  });
});
