import { RawRedditPost } from '@fixloop/contracts';
import { type Logger, type RedditFeed, UpstreamError } from '@fixloop/domain';
import { z } from 'zod';

const Listing = z.object({
  kind: z.literal('Listing'),
  data: z.object({ children: z.array(z.unknown()).max(1_000) }),
});

const Token = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

export interface RedditClientOptions {
  /** `https://www.reddit.com` (public JSON and the token endpoint). */
  baseUrl: string;
  /** `https://oauth.reddit.com` (listings when OAuth is on). */
  oauthUrl: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** Reddit asks for a descriptive User-Agent and throttles generic ones. */
  userAgent: string;
  log: Logger;
  limit?: number;
  /** How often a 429 is waited out before giving up (default 3). */
  maxRetries?: number;
  /** Longest wait honoured from Retry-After, in ms (default 60 s). */
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads `/r/{sub}/new` listings: anonymous JSON, or OAuth (client credentials) when a client id and
 * secret are configured. Backs off on 429 as `Retry-After` (or `x-ratelimit-reset`) says.
 */
export class RedditClient implements RedditFeed {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: RedditClientOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private get oauth(): boolean {
    return Boolean(this.opts.clientId && this.opts.clientSecret);
  }

  async fetchNew(subreddit: string): Promise<RawRedditPost[]> {
    const limit = this.opts.limit ?? 100;
    const path = `/r/${encodeURIComponent(subreddit)}/new`;
    const url = this.oauth
      ? `${this.opts.oauthUrl}${path}?limit=${limit}&raw_json=1`
      : `${this.opts.baseUrl}${path}.json?limit=${limit}&raw_json=1`;
    const res = await this.request(url, async () => {
      const headers: Record<string, string> = {
        'user-agent': this.opts.userAgent,
        accept: 'application/json',
      };
      if (this.oauth) headers.authorization = `bearer ${await this.accessToken()}`;
      return headers;
    });
    const listing = Listing.safeParse(await res.json().catch(() => undefined));
    if (!listing.success)
      throw new UpstreamError('reddit', `r/${subreddit}: unexpected listing shape`, false, res.status);
    const posts: RawRedditPost[] = [];
    for (const child of listing.data.data.children) {
      const post = RawRedditPost.safeParse(child);
      if (post.success) posts.push(post.data);
    }
    return posts;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret}`).toString('base64');
    const res = await this.request(
      `${this.opts.baseUrl}/api/v1/access_token`,
      async () => ({
        'user-agent': this.opts.userAgent,
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      }),
      'grant_type=client_credentials',
    );
    const token = Token.safeParse(await res.json().catch(() => undefined));
    if (!token.success)
      throw new UpstreamError(
        'reddit',
        'Reddit token endpoint answered an unexpected shape',
        false,
        res.status,
      );
    const ttl = (token.data.expires_in ?? 3600) * 1000;
    this.token = { value: token.data.access_token, expiresAt: Date.now() + Math.max(0, ttl - 60_000) };
    return this.token.value;
  }

  private async request(
    url: string,
    headers: () => Promise<Record<string, string>>,
    body?: string,
  ): Promise<Response> {
    const maxRetries = this.opts.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      // Outside the try: a failed token request is its own error, not an unreachable Reddit.
      const requestHeaders = await headers();
      try {
        res = await fetch(url, {
          method: body === undefined ? 'GET' : 'POST',
          headers: requestHeaders,
          body,
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        throw new UpstreamError('reddit', 'Reddit could not be reached', true);
      }
      if (res.ok) return res;
      await res.body?.cancel();
      if (res.status === 429 && attempt < maxRetries) {
        const wait = this.backoffMs(res, attempt);
        this.opts.log.warn({ url: redact(url), wait, attempt }, 'Reddit rate limit (429): backing off');
        await this.sleep(wait);
        continue;
      }
      if (res.status === 401 && this.token) this.token = undefined;
      throw new UpstreamError(
        'reddit',
        `Reddit answered ${res.status}`,
        res.status === 429 || res.status >= 500,
        res.status,
      );
    }
  }

  private backoffMs(res: Response, attempt: number): number {
    const max = this.opts.maxBackoffMs ?? 60_000;
    const retryAfter = Number(res.headers.get('retry-after'));
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const seconds =
      Number.isFinite(retryAfter) && retryAfter > 0
        ? retryAfter
        : Number.isFinite(reset) && reset > 0
          ? reset
          : 2 ** attempt;
    return Math.min(max, Math.ceil(seconds * 1000));
  }
}

function redact(url: string): string {
  return url.split('?')[0] ?? url;
}
