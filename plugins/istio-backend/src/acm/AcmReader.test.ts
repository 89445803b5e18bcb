import { mockServices } from '@backstage/backend-test-utils';
import { AcmReader } from './AcmReader';
import { memoryCache } from '../__testUtils__/memoryCache';

describe('AcmReader', () => {
  it('answers from the last good answer, marked stale, when ACM throttles', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
    });
    const send = jest
      .fn()
      .mockResolvedValueOnce({
        Certificate: {
          Status: 'ISSUED',
          Serial: '0a:1b',
          Type: 'AMAZON_ISSUED',
          NotAfter: new Date('2027-01-01T00:00:00Z'),
          RenewalSummary: { RenewalStatus: 'SUCCESS' },
          InUseBy: ['arn:aws:elasticloadbalancing:lb'],
        },
      })
      .mockRejectedValue(throttled);
    const reader = new AcmReader(
      { send } as any,
      memoryCache(),
      mockServices.logger.mock(),
    );
    const first = await reader.describe(
      'arn:aws:acm:eu-west-1:1:certificate/x',
    );
    expect(first).toEqual({
      arn: 'arn:aws:acm:eu-west-1:1:certificate/x',
      status: 'ISSUED',
      serial: '0a:1b',
      type: 'AMAZON_ISSUED',
      notAfter: '2027-01-01T00:00:00.000Z',
      renewalStatus: 'SUCCESS',
      inUseBy: ['arn:aws:elasticloadbalancing:lb'],
    });
    expect(
      await reader.describe('arn:aws:acm:eu-west-1:1:certificate/x'),
    ).toEqual({
      ...first,
      stale: true,
    });
  });

  it('passes the error on when there is no earlier answer', async () => {
    const send = jest.fn().mockRejectedValue(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
      }),
    );
    const reader = new AcmReader(
      { send } as any,
      memoryCache(),
      mockServices.logger.mock(),
    );
    await expect(reader.describe('arn:x')).rejects.toThrow('Rate exceeded');
  });
});
