/**
 * The Redis key schema. Every key of a project's data starts `project:{<pid>}:` with only the
 * project id in braces, so Redis Cluster hashes one project's keys to one slot and the Lua scripts
 * that derive sibling keys from this prefix stay legal there.
 */
export const keys = {
  projectsAll: () => 'projects:all',
  apiKey: (hash: string) => `apikey:${hash}`,
  adminKeys: () => 'apikey:admins',
  prefix: (pid: string) => `project:{${pid}}:`,
  project: (pid: string) => `project:{${pid}}`,
  secrets: (pid: string) => `project:{${pid}}:secrets`,
  apiKeys: (pid: string) => `project:{${pid}}:api-keys`,
  feedbackPrefix: (pid: string) => `project:{${pid}}:feedback:`,
  feedback: (pid: string, id: string) => `project:{${pid}}:feedback:${id}`,
  feedbackCreated: (pid: string) => `project:{${pid}}:feedback:created`,
  feedbackSource: (pid: string, source: string) => `project:{${pid}}:feedback:source:${source}`,
  feedbackSourcesKnown: (pid: string) => `project:{${pid}}:feedback:sources`,
  feedbackUnclustered: (pid: string) => `project:{${pid}}:feedback:unclustered`,
  feedbackExternal: (pid: string, source: string, externalId: string) =>
    `project:{${pid}}:feedback:external:${source}:${externalId}`,
  clusterItems: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:items`,
  redditSubreddits: (pid: string) => `project:{${pid}}:config:reddit:subreddits`,
  githubCursor: (pid: string, owner: string, repo: string) =>
    `project:{${pid}}:github:cursor:${owner.toLowerCase()}/${repo.toLowerCase()}`,
  githubRepos: (pid: string) => `project:{${pid}}:github:repos`,
} as const;
