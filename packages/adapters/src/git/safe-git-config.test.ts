import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HELPER, GIT_TOKEN_ENV } from './credential-helper.js';
import { safeGitConfigArgs } from './safe-git-config.js';

/** The `name=value` settings of a `-c` list, checking that every one is preceded by `-c`. */
function settingsOf(args: string[]): string[] {
  const settings = args.filter((_, i) => i % 2 === 1);
  expect(args.filter((_, i) => i % 2 === 0).every((flag) => flag === '-c')).toBe(true);
  return settings;
}

describe('safeGitConfigArgs', () => {
  it('disables hooks, fsmonitor, ext:: and submodule recursion, and resets credential helpers', () => {
    const settings = settingsOf(safeGitConfigArgs({ withToken: false }));
    expect(settings).toEqual(
      expect.arrayContaining([
        'core.hooksPath=/dev/null',
        'core.fsmonitor=false',
        'protocol.ext.allow=never',
        'submodule.recurse=false',
        'http.followRedirects=false',
        'credential.helper=',
      ]),
    );
    expect(settings.join(' ')).not.toContain(GIT_TOKEN_ENV);
  });

  it('adds our credential helper last, after the reset, only with a token', () => {
    const args = safeGitConfigArgs({ withToken: true });
    expect(args.slice(-4)).toEqual([
      '-c',
      'credential.helper=',
      '-c',
      `credential.helper=${CREDENTIAL_HELPER}`,
    ]);
  });

  it('switches automatic gc off for throwaway clones and keeps it in the foreground for kept ones', () => {
    expect(settingsOf(safeGitConfigArgs({ withToken: false }))).toEqual(
      expect.arrayContaining(['gc.auto=0', 'maintenance.auto=false']),
    );
    const kept = settingsOf(safeGitConfigArgs({ withToken: false, housekeeping: 'foreground' }));
    expect(kept).toContain('gc.autoDetach=false');
    expect(kept).not.toContain('gc.auto=0');
  });
});

describe('redirects', () => {
  /** Serves `handler` on a free loopback port. */
  async function serve(
    handler: Parameters<typeof createServer>[1],
  ): Promise<{ server: Server; url: string }> {
    const server = createServer(handler);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  function clone(args: string[], url: string): Promise<number | null> {
    const dir = mkdtempSync(join(tmpdir(), 'fixloop-redirect-'));
    const child = spawn('git', [...args, 'clone', '--quiet', url, join(dir, 'w')], {
      env: { PATH: process.env.PATH, HOME: dir, GIT_TERMINAL_PROMPT: '0' },
      stdio: 'ignore',
    });
    return new Promise((done) =>
      child.once('exit', (code) => {
        rmSync(dir, { recursive: true, force: true });
        done(code);
      }),
    );
  }

  it('a clone does not follow a redirect to another host (git alone would)', async () => {
    const hits: string[] = [];
    const target = await serve((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(404).end();
    });
    const redirector = await serve((req, res) => {
      res.writeHead(302, { location: `${target.url}${req.url}` }).end();
    });
    try {
      expect(
        await clone(safeGitConfigArgs({ withToken: false }), `${redirector.url}/acme/shop.git`),
      ).not.toBe(0);
      expect(hits).toEqual([]);
      // The same clone with git's defaults reaches the redirect's target: the setting is what stops it.
      await clone([], `${redirector.url}/acme/shop.git`);
      expect(hits.length).toBeGreaterThan(0);
    } finally {
      target.server.close();
      redirector.server.close();
    }
  });
});
