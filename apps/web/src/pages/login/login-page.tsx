import { Navigate, useLocation, useNavigate } from 'react-router';
import { useSession } from '../../api/auth';
import { ApiKeyForm } from './api-key-form';

/** Where to go after signing in: the page that sent us here, else Clusters. */
function nextPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login') ? from : '/clusters';
}

/**
 * The sign-in page. Each sign-in method is its own form under this heading; email and password
 * will sit beside the API key form when user accounts arrive.
 */
export function LoginPage() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const next = nextPath(location.state);

  if (session.data) return <Navigate to={next} replace />;

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <h1 className="brand-title">Fixloop</h1>
        <p className="muted">Sign in to triage your project's bug reports.</p>
        <ApiKeyForm onSignedIn={() => navigate(next, { replace: true })} />
      </div>
    </main>
  );
}
