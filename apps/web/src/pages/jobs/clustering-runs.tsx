import type { ClusterJob } from '@fixloop/contracts';
import { errorMessage } from '../../api/client';
import { useClusterJobs, useRecluster, useStartClustering } from '../../api/clustering';
import { useProjectId } from '../../auth/project-context';
import { Pager, useCursorPages } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useToast } from '../../components/toast';

function JobRow({ job }: { job: ClusterJob }) {
  const s = job.stats;
  return (
    <tr>
      <td data-label="Started">
        <RelativeTime iso={job.startedAt ?? job.createdAt} />
      </td>
      <td data-label="Kind">{job.kind === 'recluster' ? 'Recluster' : 'Incremental'}</td>
      <td data-label="Status">
        <span className={`badge job-${job.status}`}>{job.status}</span>
        {job.error ? <p className="field-error">{job.error}</p> : null}
      </td>
      <td data-label="Clustered" className="num">
        {s.clustered}
      </td>
      <td data-label="New clusters" className="num">
        {s.newClusters}
      </td>
      <td data-label="Updated" className="num">
        {s.updatedClusters}
      </td>
      <td data-label="Outliers" className="num">
        {s.singletons}
      </td>
      <td data-label="Seconds" className="num">
        {s.seconds.toFixed(1)}
      </td>
    </tr>
  );
}

/** Jobs → Clustering runs: the runs, newest first, and the buttons that start one. */
export function ClusteringRuns() {
  const pid = useProjectId();
  const pages = useCursorPages(pid);
  const jobs = useClusterJobs(pages.cursor);
  const start = useStartClustering();
  const recluster = useRecluster();
  const toast = useToast();

  return (
    <>
      <div className="actions jobs-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={start.isPending}
          onClick={() =>
            start.mutate(undefined, {
              onSuccess: (job) => toast.success(`Clustering job ${job.status}.`),
              onError: (e) => toast.error(errorMessage(e)),
            })
          }
        >
          Run clustering now
        </button>
        <button
          type="button"
          className="button"
          disabled={recluster.isPending}
          onClick={() =>
            recluster.mutate(undefined, {
              onSuccess: () => toast.success('Recluster queued: every open report is clustered again.'),
              onError: (e) => toast.error(errorMessage(e)),
            })
          }
        >
          Recluster everything
        </button>
      </div>
      {jobs.isPending ? <Loading label="Loading jobs…" /> : null}
      {jobs.isError ? <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} /> : null}
      {jobs.data && jobs.data.items.length === 0 ? (
        <Empty title="No clustering runs yet.">A run starts a couple of seconds after reports arrive.</Empty>
      ) : null}
      {jobs.data && jobs.data.items.length > 0 ? (
        <>
          <table className="table">
            <caption className="visually-hidden">Clustering runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Clustered
                </th>
                <th scope="col" className="num">
                  New clusters
                </th>
                <th scope="col" className="num">
                  Updated
                </th>
                <th scope="col" className="num">
                  Outliers
                </th>
                <th scope="col" className="num">
                  Seconds
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </tbody>
          </table>
          <Pager
            label="Clustering run pages"
            page={pages.page}
            nextCursor={jobs.data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
          />
        </>
      ) : null}
    </>
  );
}
