import { describe, expect, it } from 'vitest';
import { DomainError, UpstreamError } from '../errors.js';
import type {
  IssueTracker,
  Logger,
  ProjectRecord,
  ProjectStore,
  SecretCipher,
  TrackerRepository,
} from '../ports.js';
import { checkRepository, type RepositoryCheckDeps } from './repository-check.js';

const REQUEST_TOKEN = 'ghp_request_000000000000000000000000000';
const PROJECT_TOKEN = 'ghp_project_000000000000000000000000000';
const SERVER_TOKEN = 'ghp_server_0000000000000000000000000000';

const found: TrackerRepository = {
  fullName: 'Acme/web',
  defaultBranch: 'main',
  private: true,
  htmlUrl: 'https://github.com/Acme/web',
  openIssues: 4,
  permissions: { admin: false, push: true, pull: true },
};

interface Setup {
  storedToken?: string;
  serverToken?: string;
  answer?: () => Promise<TrackerRepository>;
  project?: ProjectRecord | null;
}

/** Deps around stand-ins of our own ports; records the tracker's calls and every log line. */
function setup(s: Setup = {}) {
  const asked: Array<{ owner: string; repo: string; token?: string }> = [];
  const lines: unknown[] = [];
  const record = (obj: object, msg?: string) => {
    lines.push({ obj, msg });
  };
  const log: Logger = { info: record, warn: record, error: record, debug: record };
  const projects: Partial<ProjectStore> = {
    get: async (id) =>
      s.project === undefined ? { id, name: 'Acme', createdAt: '', secretNames: [] } : s.project,
    getSecrets: async () => (s.storedToken === undefined ? {} : { githubToken: `sealed:${s.storedToken}` }),
  };
  const cipher: SecretCipher = {
    encrypt: (plain) => `sealed:${plain}`,
    decrypt: (sealed) => sealed.replace(/^sealed:/, ''),
  };
  const tracker: IssueTracker = {
    listIssues: () => {
      throw new Error('not used');
    },
    getRepository: async (params) => {
      asked.push(params);
      return (s.answer ?? (async () => found))();
    },
  };
  const deps: RepositoryCheckDeps = {
    projects: projects as ProjectStore,
    cipher,
    tracker,
    log,
    serverToken: s.serverToken,
  };
  return { deps, asked, lines };
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

describe('checkRepository', () => {
  it('asks with the first token it has: the request’s, the project’s, the server’s, else none', async () => {
    const cases: Array<[Setup, string | undefined, string | undefined, string]> = [
      [{ storedToken: PROJECT_TOKEN, serverToken: SERVER_TOKEN }, REQUEST_TOKEN, REQUEST_TOKEN, 'request'],
      [{ storedToken: PROJECT_TOKEN, serverToken: SERVER_TOKEN }, undefined, PROJECT_TOKEN, 'project'],
      [{ serverToken: SERVER_TOKEN }, undefined, SERVER_TOKEN, 'server'],
      [{}, undefined, undefined, 'none'],
    ];
    for (const [s, given, used, source] of cases) {
      const { deps, asked } = setup(s);
      const body = { owner: 'acme', name: 'web', ...(given === undefined ? {} : { token: given }) };
      const check = await checkRepository(deps, 'acme', body);
      expect(check.tokenSource).toBe(source);
      expect(asked).toEqual([{ owner: 'acme', repo: 'web', ...(used === undefined ? {} : { token: used }) }]);
    }
  });

  it('answers what GitHub said, with canPush from the push permission', async () => {
    const { deps } = setup();
    expect(await checkRepository(deps, 'acme', { owner: 'acme', name: 'web' })).toEqual({
      fullName: 'Acme/web',
      defaultBranch: 'main',
      private: true,
      htmlUrl: 'https://github.com/Acme/web',
      openIssues: 4,
      canPush: true,
      tokenSource: 'none',
    });
    const readOnly = setup({
      answer: async () => ({ ...found, permissions: { admin: false, push: false, pull: true } }),
    });
    expect((await checkRepository(readOnly.deps, 'acme', { owner: 'a', name: 'b' })).canPush).toBe(false);
    const anonymous = setup({ answer: async () => ({ ...found, permissions: undefined }) });
    expect((await checkRepository(anonymous.deps, 'acme', { owner: 'a', name: 'b' })).canPush).toBe(false);
  });

  it('answers 404 for an unknown project before asking GitHub', async () => {
    const { deps, asked } = setup({ project: null });
    const err = await failure(checkRepository(deps, 'ghost', { owner: 'a', name: 'b' }));
    expect(err.code).toBe('not_found');
    expect(asked).toEqual([]);
  });

  it('re-words the tracker’s errors for the field to change, never as a 401', async () => {
    const reject = (e: Error) => async (): Promise<TrackerRepository> => {
      throw e;
    };
    const cases: Array<[Error, Setup, Partial<DomainError> & { details?: unknown }]> = [
      [
        new UpstreamError('github', 'GitHub rejected the token (401)', false, 401),
        { storedToken: PROJECT_TOKEN },
        {
          code: 'validation_failed',
          message: "token: GitHub rejected this token (the project's stored githubToken)",
          details: {
            issues: [{ path: 'token', message: 'GitHub rejected this token' }],
            tokenSource: 'project',
          },
        },
      ],
      [
        new DomainError('not_found', 'GitHub repository acme/web not found'),
        { serverToken: SERVER_TOKEN },
        {
          code: 'validation_failed',
          details: {
            issues: [{ path: 'name', message: 'no repository acme/web is visible with this token' }],
            tokenSource: 'server',
          },
        },
      ],
      [
        new DomainError('not_found', 'GitHub repository acme/web not found'),
        {},
        {
          code: 'validation_failed',
          details: {
            issues: [
              {
                path: 'name',
                message: 'no repository acme/web is visible without a token (a private one needs a token)',
              },
            ],
            tokenSource: 'none',
          },
        },
      ],
      [
        new UpstreamError('github', 'GitHub rate limit reached (403)', true, 403),
        { serverToken: SERVER_TOKEN },
        { code: 'rate_limited', details: { service: 'github', tokenSource: 'server' } },
      ],
      [
        new UpstreamError('github', 'GitHub is rate limiting this token (429)', true, 429),
        {},
        { code: 'rate_limited' },
      ],
      [
        new UpstreamError('github', 'GitHub refused the request (403)', false, 403),
        { storedToken: PROJECT_TOKEN },
        {
          code: 'validation_failed',
          details: {
            issues: [{ path: 'token', message: 'GitHub refused this token access to acme/web' }],
            tokenSource: 'project',
          },
        },
      ],
      [
        new UpstreamError('github', 'GitHub answered 503', true, 503),
        {},
        { code: 'upstream_unavailable', message: 'GitHub answered 503' },
      ],
      [
        new UpstreamError('github', 'GitHub could not be reached', true),
        {},
        { code: 'upstream_unavailable' },
      ],
    ];
    for (const [thrown, s, expected] of cases) {
      const { deps } = setup({ ...s, answer: reject(thrown) });
      const err = await failure(checkRepository(deps, 'acme', { owner: 'acme', name: 'web' }));
      expect(err).toMatchObject(expected);
      expect(err.code).not.toBe('unauthorized');
    }
  });

  it('never puts a token in an error or a log line', async () => {
    const failures: Error[] = [
      new UpstreamError('github', 'GitHub rejected the token (401)', false, 401),
      new DomainError('not_found', 'GitHub repository acme/web not found'),
      new UpstreamError('github', 'GitHub rate limit reached (403)', true, 403),
      new UpstreamError('github', 'GitHub could not be reached', true),
    ];
    const answers = [
      ...failures.map((e) => async (): Promise<TrackerRepository> => Promise.reject(e)),
      undefined,
    ];
    for (const answer of answers) {
      for (const given of [REQUEST_TOKEN, undefined]) {
        const { deps, lines } = setup({
          storedToken: PROJECT_TOKEN,
          serverToken: SERVER_TOKEN,
          ...(answer ? { answer } : {}),
        });
        const body = { owner: 'acme', name: 'web', ...(given ? { token: given } : {}) };
        const outcome = await checkRepository(deps, 'acme', body).then(
          (ok) => ok,
          (e: DomainError) => ({ message: e.message, details: e.details }),
        );
        if (answer === undefined)
          expect(lines).toEqual([expect.objectContaining({ msg: 'repository checked' })]);
        const seen = JSON.stringify([outcome, lines]);
        for (const token of [REQUEST_TOKEN, PROJECT_TOKEN, SERVER_TOKEN]) expect(seen).not.toContain(token);
      }
    }
  });
});
