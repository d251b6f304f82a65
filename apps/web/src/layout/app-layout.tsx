import { type ReactNode, useEffect, useState } from 'react';
import { NavLink, useLocation, useMatch, useNavigate } from 'react-router';
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

/**
 * On narrow screens (see styles/narrow.css) the navigation, the project switcher and Sign out sit
 * behind a Menu button; it closes again on navigation and on Escape. Wider screens show them always.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the menu
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return { open, toggle: () => setOpen((o) => !o) };
}

export function AppLayout({ children }: { children: ReactNode }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const toast = useToast();
  const menu = useMenu();
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
          <button
            type="button"
            className="button button-quiet menu-button"
            aria-expanded={menu.open}
            aria-controls="app-menu"
            onClick={menu.toggle}
          >
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              <path
                d="M2 4h12M2 8h12M2 12h12"
                stroke="currentColor"
                strokeWidth="1.6"
                strokeLinecap="round"
              />
            </svg>
            Menu
          </button>
        </div>
        <div id="app-menu" className="app-menu" data-open={menu.open}>
          <nav className="app-nav" aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to}>{item.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
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
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
