import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { KeptPerCaller } from './KeptPerCaller';

describe('KeptPerCaller', () => {
  let now = 1_000;
  const setUp = (keep: (answer: string) => boolean = () => true) => {
    const read = jest.fn(async () => 'answer');
    const kept = new KeptPerCaller<string>({
      auth: mockServices.auth(),
      ttlMs: 5_000,
      keep,
      now: () => now,
    });
    return { read, kept };
  };

  beforeEach(() => {
    now = 1_000;
  });

  it('keeps an answer per caller and key for the TTL', async () => {
    const { read, kept } = setUp();
    const alice = mockCredentials.user('user:default/alice');
    await kept.get(alice, 'a', read);
    await kept.get(alice, 'a', read);
    expect(read).toHaveBeenCalledTimes(1);
    await kept.get(alice, 'b', read);
    await kept.get(mockCredentials.user('user:default/bob'), 'a', read);
    expect(read).toHaveBeenCalledTimes(3);
    now += 5_001;
    await kept.get(alice, 'a', read);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('tells a user, a service acting for that user and a service apart', async () => {
    const { read, kept } = setUp();
    const callers = [
      mockCredentials.user('user:default/alice'),
      mockCredentials.user('user:default/alice', {
        actor: { subject: 'plugin:mcp-actions' },
      }),
      mockCredentials.service('plugin:catalog'),
      mockCredentials.service('plugin:scaffolder'),
    ];
    for (const caller of [...callers, ...callers]) {
      await kept.get(caller, 'a', read);
    }
    expect(read).toHaveBeenCalledTimes(callers.length);
  });

  it('reads every time for a caller without a principal', async () => {
    const { read, kept } = setUp();
    await kept.get(mockCredentials.none(), 'a', read);
    await kept.get(mockCredentials.none(), 'a', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps only what `keep` accepts', async () => {
    const { read, kept } = setUp(answer => answer !== 'answer');
    const alice = mockCredentials.user('user:default/alice');
    await kept.get(alice, 'a', read);
    await kept.get(alice, 'a', read);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
