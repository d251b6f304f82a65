import { describe, expect, it } from 'vitest';
import { HeaderToken, RepositoryCheckBody, SecretsUpdate } from './projects.js';

describe('HeaderToken (a GitHub token, sent in an Authorization header)', () => {
  it('takes the tokens GitHub issues', () => {
    for (const token of [
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      'github_pat_11ABC_xyz',
      'gho_x',
      'v1.0123abcdef',
    ]) {
      expect(HeaderToken.safeParse(token).success, token).toBe(true);
    }
  });

  it('refuses what cannot travel in a header: line breaks, spaces, controls, characters past ASCII', () => {
    for (const token of [
      'a\nb',
      'a\r\nX-Injected: 1',
      'a b',
      '\ttoken',
      'tok\u0000',
      'tök',
      '😀',
      'a\u007f',
      '',
    ]) {
      expect(HeaderToken.safeParse(token).success, JSON.stringify(token)).toBe(false);
    }
  });

  it('guards the stored token and the one tried once, not the webhook secrets (HMAC keys, never sent)', () => {
    expect(SecretsUpdate.safeParse({ githubToken: 'a\nb' }).success).toBe(false);
    expect(SecretsUpdate.safeParse({ githubToken: null }).success).toBe(true);
    expect(SecretsUpdate.safeParse({ githubWebhookSecret: 'any text, even spaces' }).success).toBe(true);
    expect(RepositoryCheckBody.safeParse({ owner: 'acme', name: 'shop', token: 'a\nb' }).success).toBe(false);
  });
});
