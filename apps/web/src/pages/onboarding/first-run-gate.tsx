import { type ReactNode, useEffect, useState } from 'react';
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
  const [mountedAt] = useState(Date.now);
  const total = overview.data?.total;
  // Not every way of adding reports refreshes the cached overview (one added by hand does not), so
  // a zero counts only when fetched while this gate is shown.
  const staleZero = total === 0 && overview.dataUpdatedAt < mountedAt;
  const failedSince = overview.errorUpdatedAt >= mountedAt;
  const { isFetching, refetch } = overview;

  useEffect(() => {
    // A project that has had reports is past first run for good: later visits skip the check.
    if (total !== undefined && total > 0) rememberSetup(pid, 'finished');
  }, [pid, total]);

  useEffect(() => {
    // A stale cached answer is refetched on mount anyway; a fresh one is not, so ask again here.
    if (!settled && staleZero && !isFetching && !failedSince) void refetch();
  }, [settled, staleZero, isFetching, failedSince, refetch]);

  if (settled) return children;
  if (overview.isPending || (total === 0 && (isFetching || (staleZero && !failedSince)))) {
    return <Loading label="Opening the project…" />;
  }
  if (total === 0 && !staleZero) return <Navigate to="/welcome" replace />;
  return children;
}
