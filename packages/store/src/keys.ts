/**
 * The Redis key schema. Every key of a project's data starts `project:{<pid>}:` with only the
 * project id in braces, so Redis Cluster hashes one project's keys to one slot and the Lua scripts
 * that derive sibling keys from this prefix stay legal there.
 */
export const keys = {
  projectsAll: () => 'projects:all',
  apiKey: (hash: string) => `apikey:${hash}`,
  adminKeys: () => 'apikey:admins',
  /** Global: one dashboard session, `hash` = sha256(session token); expires with PEXPIRE. */
  session: (hash: string) => `session:${hash}`,
  /** Global: one embedding, `hash` = sha256(embedder id + "\n" + text). */
  embCache: (hash: string) => `emb:${hash}`,
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
  cluster: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}`,
  clusterSum: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:sum`,
  clusterAuthors: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:authors`,
  clusterDays: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:days`,
  clusterApart: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:apart`,
  clusterHistory: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:history`,
  clustersAll: (pid: string) => `project:{${pid}}:clusters:all`,
  clustersBySize: (pid: string) => `project:{${pid}}:clusters:size`,
  clustersByTrend: (pid: string) => `project:{${pid}}:clusters:trend`,
  feedbackVectors: (pid: string) => `project:{${pid}}:feedback:vectors`,
  feedbackPinned: (pid: string) => `project:{${pid}}:feedback:pinned`,
  clusteringState: (pid: string) => `project:{${pid}}:clustering:state`,
  clusteringFollowUp: (pid: string) => `project:{${pid}}:clustering:followup`,
  clusterJob: (pid: string, jid: string) => `project:{${pid}}:cluster-job:${jid}`,
  clusterJobs: (pid: string) => `project:{${pid}}:cluster-jobs`,
  clusterJobActive: (pid: string) => `project:{${pid}}:cluster-job:active`,
  clusteringLock: (pid: string) => `project:{${pid}}:lock:clustering`,
  redditSubreddits: (pid: string) => `project:{${pid}}:config:reddit:subreddits`,
  githubCursor: (pid: string, owner: string, repo: string) =>
    `project:{${pid}}:github:cursor:${owner.toLowerCase()}/${repo.toLowerCase()}`,
  githubRepos: (pid: string) => `project:{${pid}}:github:repos`,
  /** One agent job's hash; its log is the stream beside it. */
  agentJob: (pid: string, jid: string) => `project:{${pid}}:job:${jid}`,
  agentJobLog: (pid: string, jid: string) => `project:{${pid}}:job:${jid}:logs`,
  agentJobs: (pid: string) => `project:{${pid}}:jobs`,
  /** Queued and running agent jobs: the project's concurrency count. */
  agentJobsActive: (pid: string) => `project:{${pid}}:jobs:active`,
  clusterAgentJobs: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:jobs`,
  clusterActiveAgentJob: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:active-job`,
  codingPlan: (pid: string, cid: string) => `project:{${pid}}:cluster:${cid}:plan`,
  /** Agent runs admitted in one UTC month (`YYYY-MM`). */
  agentRunsUsage: (pid: string, month: string) => `project:{${pid}}:usage:agent-runs:${month}`,
  automation: (pid: string) => `project:{${pid}}:config:automation`,
  lexicalDf: (pid: string) => `project:{${pid}}:lexical:df`,
  lexicalSeen: (pid: string) => `project:{${pid}}:lexical:seen`,
  // Billing and usage.
  /** Reports stored in one UTC month (`YYYY-MM`) that count against the plan (held ones once released). */
  feedbackUsage: (pid: string, month: string) => `project:{${pid}}:usage:feedback:${month}`,
  /** Reports held past the monthly limit, oldest first (score = arrival order). */
  feedbackHeld: (pid: string) => `project:{${pid}}:feedback:held`,
  feedbackHeldSeq: (pid: string) => `project:{${pid}}:feedback:held:seq`,
  /** The project's plan and Stripe subscription state. */
  billing: (pid: string) => `project:{${pid}}:billing`,
  /** Global: Stripe customer id → project id. */
  billingCustomer: (customerId: string) => `billing:customer:${customerId}`,
  /** Global: a Stripe event id being or already processed (expires). */
  stripeEvent: (eventId: string) => `billing:stripe-event:${eventId}`,
  // Accounts: users, members, login throttling, OAuth state.
  /** Global: one user account (profile, scrypt password hash, GitHub link and sealed token). */
  user: (uid: string) => `user:${uid}`,
  /** Global: the projects of one user, score = when they joined (ms); the project's members hash is the truth. */
  userProjects: (uid: string) => `user:${uid}:projects`,
  /** Global: lowercased email → user id (claimed atomically at sign-up). */
  userEmails: () => 'user:emails',
  /** Global: GitHub account id → user id. */
  userGithubIds: () => 'user:github',
  /** A project's members: user id → role. */
  projectMembers: (pid: string) => `project:{${pid}}:members`,
  /** Sessions opened with the project's keys: session hash, score = expiry (ms). */
  projectSessions: (pid: string) => `project:{${pid}}:sessions`,
  /** Global: failed sign-ins in the current window (`login:email:<sha256>`, `login:ip:<address>`). */
  attempts: (key: string) => `ratelimit:${key}`,
  /** Global: request counters of the HTTP rate limits (per credential hash or client IP), one-minute windows. */
  requestRatePrefix: () => 'ratelimit:req:',
  /** Global: one OAuth `state` (by hash), for one use, expiring. */
  oauthState: (key: string) => `oauth:state:${key}`,
} as const;
