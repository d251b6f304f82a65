import { DomainError, type GithubIdentity, type GithubOAuth } from '@fixloop/domain';
import { z } from 'zod';
import { errorDetail, httpFailure, malformedAnswer, networkFailure } from '../http/upstream-failure.js';

const TokenAnswer = z.union([
  z.object({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    scope: z.string().optional(),
  }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

const GithubUser = z.object({
  id: z.number().int(),
  login: z.string().min(1),
  name: z.string().nullable().optional(),
});

const GithubEmails = z.array(
  z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }).passthrough(),
);

export interface GithubOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** `https://github.com`, or a stand-in: where `/login/oauth/*` lives. */
  oauthUrl: string;
  /** `https://api.github.com` (or GHES, or a stand-in): where `/user` lives. */
  apiUrl: string;
  /** What the token may do: reading the profile and emails, and opening the user's pull requests. */
  scopes?: string[];
  timeoutMs?: number;
}

export const GITHUB_SIGN_IN_SCOPES = ['read:user', 'user:email', 'repo'];

/** GitHub's OAuth web flow (authorize → code → token) and the account behind a token. */
export class GithubOAuthClient implements GithubOAuth {
  constructor(private readonly opts: GithubOAuthOptions) {}

  authorizeUrl(state: string, redirectUri: string): string {
    const q = new URLSearchParams({
      client_id: this.opts.clientId,
      redirect_uri: redirectUri,
      scope: (this.opts.scopes ?? GITHUB_SIGN_IN_SCOPES).join(' '),
      state,
      allow_signup: 'true',
    });
    return `${this.opts.oauthUrl}/login/oauth/authorize?${q}`;
  }

  async exchangeCode(code: string, redirectUri: string): Promise<string> {
    const body = await this.call('GitHub token exchange', `${this.opts.oauthUrl}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: this.opts.clientId,
        client_secret: this.opts.clientSecret,
        code,
        redirect_uri: redirectUri,
      }),
    });
    const answer = TokenAnswer.safeParse(body);
    if (!answer.success) throw malformedAnswer('github', 'GitHub token exchange', 'no access_token');
    if ('error' in answer.data) {
      // GitHub answers 200 with an error for a bad, used or expired code: the sign-in must start again.
      throw new DomainError('bad_request', `GitHub refused the sign-in (${answer.data.error}): start again`, {
        reason: 'refused',
      });
    }
    return answer.data.access_token;
  }

  async identity(accessToken: string): Promise<GithubIdentity> {
    const headers = {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${accessToken}`,
      'x-github-api-version': '2022-11-28',
    };
    const user = GithubUser.safeParse(
      await this.call('GitHub /user', `${this.opts.apiUrl}/user`, { headers }, accessToken),
    );
    if (!user.success) throw malformedAnswer('github', 'GitHub /user', 'no id or login');
    const emails = GithubEmails.safeParse(
      await this.call('GitHub /user/emails', `${this.opts.apiUrl}/user/emails`, { headers }, accessToken),
    );
    if (!emails.success) throw malformedAnswer('github', 'GitHub /user/emails', 'not a list of emails');
    const primary = emails.data.find((e) => e.primary && e.verified);
    const identity: GithubIdentity = { id: String(user.data.id), login: user.data.login };
    if (user.data.name) identity.name = user.data.name;
    if (primary) identity.verifiedPrimaryEmail = primary.email.trim().toLowerCase();
    return identity;
  }

  private async call(label: string, url: string, init: RequestInit, secret?: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw networkFailure('github', label, err);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok)
      throw httpFailure(
        'github',
        label,
        res.status,
        res.headers,
        errorDetail(body),
        secret ?? this.opts.clientSecret,
      );
    return body;
  }
}
