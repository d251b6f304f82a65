import { BODY_MAX, TITLE_MAX } from '@fixloop/contracts';

/** Trims and bounds a title; a longer one is cut at a character boundary with an ellipsis. */
export function boundTitle(s: string | null | undefined): string {
  const t = (s ?? '').trim();
  return t.length <= TITLE_MAX ? t : `${t.slice(0, TITLE_MAX - 1)}…`;
}

/** Trims and bounds a body. */
export function boundBody(s: string | null | undefined): string {
  const t = (s ?? '').trim();
  return t.length <= BODY_MAX ? t : `${t.slice(0, BODY_MAX - 1)}…`;
}

/** Epoch seconds (as Reddit gives them) or an ISO string → ISO UTC, or undefined when unusable. */
export function toIso(value: number | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  const t = d.getTime();
  if (Number.isNaN(t) || t < 0 || t > 8.64e15) return undefined;
  return d.toISOString();
}
