/**
 * A job's fields as the flat `field, value, …` list HSET takes: unset fields are left out, `stats`
 * is stored as JSON, everything else as its string form.
 */
export function jobHashFields(job: object): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(job)) {
    if (v === undefined) continue;
    out.push(k, k === 'stats' ? JSON.stringify(v) : String(v));
  }
  return out;
}
