/** The commit's author and committer. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** `-c` options that commit as `identity`, unsigned, whatever the user's or the repository's config says. */
export function commitIdentityArgs(identity: GitIdentity): string[] {
  return [
    '-c',
    `user.name=${identity.name}`,
    '-c',
    `user.email=${identity.email}`,
    '-c',
    'commit.gpgSign=false',
  ];
}
