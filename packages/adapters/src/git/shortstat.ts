export interface DiffStats {
  filesChanged: number;
  insertions: number;
  deletions: number;
}

/** Reads `git diff --shortstat`'s one line (` 2 files changed, 3 insertions(+), 1 deletion(-)`); absent parts are 0. */
export function parseShortstat(line: string): DiffStats {
  const count = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    filesChanged: count(/(\d+) files? changed/),
    insertions: count(/(\d+) insertions?\(\+\)/),
    deletions: count(/(\d+) deletions?\(-\)/),
  };
}
