import type { RawRedditPost } from '@fixloop/contracts';
import { type IngestSink, UpstreamError } from '@fixloop/domain';
import type { InternalTokens } from '../crypto/internal-token.js';

const CREDENTIAL_TTL_S = 300;

/**
 * Producers post what they fetch to the backend over HTTP (`BACKEND_URL`), authenticated by a
 * short-lived internal credential for that one project and scope — never an API key.
 */
export class HttpIngestSink implements IngestSink {
  constructor(
    private readonly backendUrl: string,
    private readonly tokens: InternalTokens,
  ) {}

  async postReddit(projectId: string, post: RawRedditPost): Promise<'created' | 'duplicate'> {
    const url = `${this.backendUrl}/projects/${encodeURIComponent(projectId)}/ingest/reddit`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.tokens.issue(projectId, 'ingest:reddit', CREDENTIAL_TTL_S)}`,
        },
        body: JSON.stringify(post),
        signal: AbortSignal.timeout(30_000),
      });
    } catch {
      throw new UpstreamError('backend', `the backend at ${this.backendUrl} could not be reached`, true);
    }
    const text = await res.text();
    if (res.status === 201) return 'created';
    if (res.status === 200) return 'duplicate';
    throw new UpstreamError(
      'backend',
      `ingest answered ${res.status}: ${text.slice(0, 200)}`,
      res.status >= 500,
      res.status,
    );
  }
}
