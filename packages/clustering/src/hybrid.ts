/**
 * One L2-normalized vector from a lexical and a semantic unit vector:
 * `concat(√w · lex, √(1 − w) · sem)`, so the dot product of two hybrids is the weighted mean
 * `w · cos_lex + (1 − w) · cos_sem` of the channels' cosines. A zero channel (an empty report)
 * adds nothing, and the result is renormalized so it stays a unit vector.
 */
export function combineHybrid(
  lexical: Float32Array,
  semantic: Float32Array,
  lexicalWeight: number,
): Float32Array {
  if (!(lexicalWeight >= 0 && lexicalWeight <= 1)) {
    throw new RangeError(`lexical weight must be in [0, 1], got ${lexicalWeight}`);
  }
  const out = new Float32Array(lexical.length + semantic.length);
  const a = Math.sqrt(lexicalWeight);
  const b = Math.sqrt(1 - lexicalWeight);
  let norm = 0;
  for (let i = 0; i < lexical.length; i++) {
    const v = a * (lexical[i] as number);
    out[i] = v;
    norm += v * v;
  }
  for (let i = 0; i < semantic.length; i++) {
    const v = b * (semantic[i] as number);
    out[lexical.length + i] = v;
    norm += v * v;
  }
  if (norm > 0 && Math.abs(norm - 1) > 1e-6) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
  }
  return out;
}

/** The lexical channel's weight in the offline hybrid, tuned on the dev data (docs/clustering.md). */
export const DEFAULT_HYBRID_LEXICAL_WEIGHT = 0.7;

/** The offline hybrid's similarity threshold, chosen on the dev data (docs/clustering.md). */
export const DEFAULT_HYBRID_THRESHOLD = 0.55;

/**
 * What the semantic channel embeds for a report: the title, plus the first `bodyChars` of the body
 * (whitespace collapsed); the body's start alone when there is no title. Encoder cost grows with
 * length, so this stays short.
 */
export function semanticInput(report: { title: string; body: string }, bodyChars: number): string {
  const title = report.title.replace(/\s+/g, ' ').trim();
  const body = report.body.replace(/\s+/g, ' ').trim();
  const head = body.slice(0, Math.max(0, title ? bodyChars : Math.max(bodyChars, 300)));
  return title && head ? `${title}. ${head}` : title || head;
}

/** Body characters the offline hybrid's semantic channel sees (docs/clustering.md). */
export const DEFAULT_SEMANTIC_BODY_CHARS = 0;
