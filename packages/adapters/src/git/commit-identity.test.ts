import { describe, expect, it } from 'vitest';
import { commitIdentityArgs } from './commit-identity.js';

describe('commitIdentityArgs', () => {
  it('names the author and committer and switches signing off', () => {
    expect(commitIdentityArgs({ name: 'Fixloop', email: 'f@x' })).toEqual([
      '-c',
      'user.name=Fixloop',
      '-c',
      'user.email=f@x',
      '-c',
      'commit.gpgSign=false',
    ]);
  });
});
