/** A report's text fields, as the clustering sees them. */
export interface IssueText {
  title?: string;
  body?: string;
}

/**
 * The text embedded for each report: title, a blank line and the body truncated to
 * `truncateBodyChars`; the title alone or the body alone when the other is empty (both trimmed).
 */
export function prepareIssueTexts(items: readonly IssueText[], truncateBodyChars = 1500): string[] {
  return items.map((item) => {
    const title = (item.title ?? '').trim();
    const body = truncate((item.body ?? '').trim(), truncateBodyChars).trimEnd();
    if (title && body) return `${title}\n\n${body}`;
    return title || body;
  });
}

/** The first `max` UTF-16 code units, never splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = Math.max(0, Math.floor(max));
  const code = text.charCodeAt(end - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
}
