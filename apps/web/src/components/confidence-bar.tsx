export interface ConfidenceBarProps {
  /** The report's mean similarity to the rest of its cluster, at most 1. */
  similarity: number;
  /** The cluster's distinctive terms this report shares. */
  sharedTerms: readonly string[];
}

/** How the similarity reads to a person: low ones are the reports to check in a mixed cluster. */
export function confidenceLevel(similarity: number): 'high' | 'medium' | 'low' {
  if (similarity >= 0.75) return 'high';
  if (similarity >= 0.5) return 'medium';
  return 'low';
}

/** A report's fit to its cluster: a bar from its similarity, and the terms it shares. */
export function ConfidenceBar({ similarity, sharedTerms }: ConfidenceBarProps) {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(similarity) ? similarity : 0));
  const percent = Math.round(clamped * 100);
  const level = confidenceLevel(clamped);
  return (
    <div className="confidence">
      <div className="confidence-row">
        <meter
          className={`confidence-meter confidence-${level}`}
          min={0}
          max={100}
          low={50}
          high={75}
          optimum={100}
          value={percent}
          aria-label={`Similarity ${percent}% (${level})`}
        >
          {percent}%
        </meter>
        <span className="confidence-value">{percent}%</span>
      </div>
      {sharedTerms.length > 0 ? (
        <p className="confidence-terms">
          <span className="muted">Shares: </span>
          {sharedTerms.join(', ')}
        </p>
      ) : (
        <p className="confidence-terms muted">No distinctive terms in common</p>
      )}
    </div>
  );
}
