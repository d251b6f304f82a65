/** A report as the lexical channel sees it: the title weighs more than the body. */
export interface ReportText {
  title: string;
  body: string;
}

/**
 * Splits a prepared report text (`title`, a newline, then the body) back into its parts; a text
 * without a newline is all title.
 */
export function splitReportText(text: string): ReportText {
  const newline = text.indexOf('\n');
  if (newline < 0) return { title: text.trim(), body: '' };
  return { title: text.slice(0, newline).trim(), body: text.slice(newline + 1).trim() };
}
