import type { ReactNode } from 'react';
import { NavLink, useMatch, useNavigate } from 'react-router';
import { useLogout } from '../api/auth';
import { errorMessage } from '../api/client';
import { useProject } from '../auth/project-context';
import { useToast } from '../components/toast';
import { ClusteringIndicator } from './clustering-indicator';

const NAV = [
  { to: '/overview', label: 'Overview' },
  { to: '/clusters', label: 'Clusters' },
  { to: '/map', label: 'Map' },
  { to: '/feedback', label: 'Feedback' },
  { to: '/sources', label: 'Sources' },
  { to: '/jobs', label: 'Jobs' },
] as const;

function ProjectSwitcher() {
  const { projectId, projects, selectProject } = useProject();
  const onDetail = useMatch('/clusters/:id');
  const navigate = useNavigate();
  return (
    <div className="project-switcher">
      <label htmlFor="project-select">Project</label>
      <select
        id="project-select"
        value={projectId}
        onChange={(e) => {
          selectProject(e.target.value);
          // A cluster belongs to one project: its page means nothing in another.
          if (onDetail) void navigate('/clusters');
        }}
      >
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="header-top">
          <NavLink to="/clusters" className="brand">
            Fixloop
          </NavLink>
          <ClusteringIndicator />
          <div className="header-actions">
            <ProjectSwitcher />
            <button
              type="button"
              className="button button-quiet"
              disabled={logout.isPending}
              onClick={() =>
                logout.mutate(undefined, {
                  onSuccess: () => navigate('/login', { replace: true }),
                  onError: (e) => toast.error(`Sign out failed: ${errorMessage(e)}`),
                })
              }
            >
              Sign out
            </button>
          </div>
        </div>
        <nav className="app-nav" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
