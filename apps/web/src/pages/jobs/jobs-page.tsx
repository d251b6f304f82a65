import { useSearchParams } from 'react-router';
import { Tabs } from '../../components/tabs';
import { AgentJobs } from './agent-jobs';
import { ClusteringRuns } from './clustering-runs';

type View = 'clustering' | 'agents';
const VIEWS = [
  { key: 'clustering', label: 'Clustering runs' },
  { key: 'agents', label: 'Agent jobs' },
] as const;

/** Background work: clustering runs, and the coding agents that draft fixes (`?view=agents`). */
export function JobsPage() {
  const [search, setSearch] = useSearchParams();
  const view: View = search.get('view') === 'agents' ? 'agents' : 'clustering';

  return (
    <section className="page" aria-labelledby="jobs-heading">
      <div className="page-header">
        <h1 id="jobs-heading">Jobs</h1>
      </div>
      <Tabs
        items={VIEWS}
        selected={view}
        onSelect={(v) => setSearch(v === 'agents' ? { view: v } : {}, { replace: true })}
        label="Job lists"
        idPrefix="jobs"
      />
      <div id="jobs-panel" role="tabpanel" aria-labelledby={`jobs-tab-${view}`} className="tab-panel">
        {view === 'agents' ? <AgentJobs /> : <ClusteringRuns />}
      </div>
    </section>
  );
}
