const REDACTED = '***';

/**
 * A function that hides `secrets` in a line, in plain text and as the Basic credentials git would
 * send, and any `user:password@` part of a URL. Empty or missing secrets are ignored.
 */
export function secretScrubber(secrets: ReadonlyArray<string | undefined>): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(Buffer.from(`x-access-token:${secret}`).toString('base64'));
  }
  // Longest first, so a secret containing another is hidden whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const form of ordered) out = out.replaceAll(form, REDACTED);
    return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, `$1${REDACTED}@`);
  };
}
