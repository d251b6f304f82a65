import { type ReactNode, useEffect } from 'react';
import { Navigate } from 'react-router';
import { useOverview } from '../../api/overview';
import { useProjectId } from '../../auth/project-context';
import { Loading } from '../../components/states';
import { rememberSetup, setupOutcome } from './setup-memory';

/**
 * Sends a project without any report to first-run setup (`/welcome`), unless the person finished or
 * skipped it for this project. Nothing of `children` renders until that is known, so the page they
 * asked for never flashes before the redirect. A failed overview does not block the page.
 */
export function FirstRunGate({ children }: { children: ReactNode }) {
  const pid = useProjectId();
  const settled = setupOutcome(pid) !== null;
  const overview = useOverview({ poll: false, enabled: !settled });
  const total = overview.data?.total;

  useEffect(() => {
    // A project that has had reports is past first run for good: later visits skip the check.
    if (total !== undefined && total > 0) rememberSetup(pid, 'finished');
  }, [pid, total]);

  if (settled) return children;
  // A cached zero may be out of date (a report added since): decide on a fresh answer.
  if (overview.isPending || (total === 0 && overview.isFetching)) {
    return <Loading label="Opening the project…" />;
  }
  if (total === 0) return <Navigate to="/welcome" replace />;
  return children;
}
