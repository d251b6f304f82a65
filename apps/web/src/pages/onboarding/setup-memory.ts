// Per project and per browser: whether first-run setup is behind the person (finished, skipped, or the
// project already had reports), so the clusters page stops sending them to /welcome.
const PREFIX = 'fixloop.setup.';

export type SetupOutcome = 'finished' | 'skipped';

export function setupOutcome(projectId: string): SetupOutcome | null {
  try {
    const value = window.localStorage.getItem(PREFIX + projectId);
    return value === 'finished' || value === 'skipped' ? value : null;
  } catch {
    return null;
  }
}

export function rememberSetup(projectId: string, outcome: SetupOutcome): void {
  try {
    window.localStorage.setItem(PREFIX + projectId, outcome);
  } catch {
    // storage disabled: setup is offered again while the project has no report
  }
}
