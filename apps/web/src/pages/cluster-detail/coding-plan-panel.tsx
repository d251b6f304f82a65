/** Where the coding plan and the fix job will live; both arrive with the agent runner. */
export function CodingPlanPanel() {
  return (
    <section className="panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Coding plan</h2>
      <p className="muted">
        No plan yet. Plans, and fixes drafted as pull requests, arrive with the agent runner.
      </p>
      <button type="button" className="button button-primary" disabled aria-describedby="generate-fix-note">
        Generate fix
      </button>
      <p id="generate-fix-note" className="hint">
        Generate fix is not available yet: it arrives with the agent runner.
      </p>
    </section>
  );
}
