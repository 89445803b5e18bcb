import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

/** At most this many (caller, key) answers are kept. */
const MAX_KEPT = 10_000;

/**
 * Answers read with a caller's credentials, kept per caller and key for
 * `ttlMs` in this process: concurrent reads of the same answer are shared,
 * failures are never kept, and `keep` decides which answers are (for
 * example only entities found, only ALLOW decisions). Callers that are
 * neither a user nor a service (none, or unknown kinds) are always read
 * for.
 */
export class KeptPerCaller<T> {
  private readonly kept = new Map<
    string,
    { expires: number; answer: Promise<T> }
  >();

  constructor(
    private readonly options: {
      auth: AuthService;
      /** 0 reads every time. */
      ttlMs: number;
      /** Whether an answer may be kept. */
      keep: (answer: T) => boolean;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Who is asking, as a key: a user's entity ref or a service's subject. */
  private callerKey(credentials: BackstageCredentials): string | undefined {
    const { auth } = this.options;
    if (auth.isPrincipal(credentials, 'user')) {
      const { userEntityRef, actor } = credentials.principal;
      // a service acting for a user is another caller than the user
      return actor
        ? `user:${userEntityRef}\u0000actor:${actor.subject}`
        : `user:${userEntityRef}`;
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return `service:${credentials.principal.subject}`;
    }
    return undefined;
  }

  /** The caller's answer for `key`: kept, or `read` (and maybe kept). */
  get(
    credentials: BackstageCredentials,
    key: string,
    read: () => Promise<T>,
  ): Promise<T> {
    const caller = this.callerKey(credentials);
    if (this.options.ttlMs <= 0 || !caller) {
      return read();
    }
    const keptKey = `${caller}\u0000${key}`;
    const now = this.now();
    const entry = this.kept.get(keptKey);
    if (entry && entry.expires > now) {
      return entry.answer;
    }
    if (this.kept.size >= MAX_KEPT) {
      // oldest first: a Map iterates in insertion order
      for (const [k, e] of this.kept) {
        if (e.expires <= now || this.kept.size >= MAX_KEPT) {
          this.kept.delete(k);
        } else {
          break;
        }
      }
    }
    const answer = read();
    this.kept.delete(keptKey);
    this.kept.set(keptKey, { expires: now + this.options.ttlMs, answer });
    const forget = () => {
      if (this.kept.get(keptKey)?.answer === answer) {
        this.kept.delete(keptKey);
      }
    };
    answer.then(value => this.options.keep(value) || forget(), forget);
    return answer;
  }
}
