/** What people type for a repository: `owner/name`, or its GitHub address (`…/owner/name.git`). */
export function parseRepository(text: string): { owner: string; name: string } | null {
  const trimmed = text
    .trim()
    .replace(/^(https?:\/\/)?(www\.)?github\.com\//i, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  const m = /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})$/.exec(trimmed);
  return m?.[1] && m[2] ? { owner: m[1], name: m[2] } : null;
}

/** Subreddit names from a comma- or space-separated list, `r/` prefixes dropped. */
export function parseSubreddits(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.replace(/^\/?r\//i, ''))
    .filter((s) => s !== '');
}

/** A webhook signing secret: 32 random bytes from the browser's CSPRNG, as 64 hex digits. */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
