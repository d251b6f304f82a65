const REDACTED = '***';
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;

/** The user name GitHub expects beside a token in Basic credentials (git's credential helper sends it). */
export const TOKEN_USERNAME = 'x-access-token';

/**
 * A function that hides `secrets` in a text: as they are, URL-encoded, and as the Basic credentials
 * git would send; and any `user:password@` part of a URL, known secret or not. Empty or missing
 * secrets are ignored. Every log line and error a job records passes through one.
 */
export function secretScrubber(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(`${TOKEN_USERNAME}:${secret}`).toString('base64'));
  }
  // Longest first, so a secret containing another is hidden whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of ordered) out = out.replaceAll(form, REDACTED);
    return out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  };
}
