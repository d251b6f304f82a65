import { useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useAuthOptions, useSession } from '../../api/auth';
import { ApiKeyForm } from './api-key-form';
import { PasswordForm } from './password-form';
import { SignupForm } from './signup-form';

/** Where to go after signing in: the page that sent us here, else Clusters. */
function nextPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login') ? from : '/clusters';
}

/** Why a sign-in with GitHub came back here (`?error=github_<reason>`), in words; fixed texts only. */
const GITHUB_ERRORS: Record<string, string> = {
  github_expired: 'The sign-in with GitHub expired or was already used. Start again.',
  github_denied: 'Sign-in with GitHub was cancelled.',
  github_refused: 'GitHub did not accept the sign-in. Start again.',
  github_signup_closed:
    'There is no Fixloop account for your GitHub email, and sign-up is closed on this server.',
  github_no_verified_email:
    'Your GitHub account has no verified primary email. Verify one on GitHub, then try again.',
  github_linked_elsewhere: 'The Fixloop account for your email is linked to another GitHub account.',
  github_failed: 'Sign-in with GitHub failed. Try again in a moment.',
};

/**
 * The sign-in page: email and password (or a new account, while the server allows sign-ups),
 * GitHub when the server has it, and an API key.
 */
export function LoginPage() {
  const session = useSession();
  const options = useAuthOptions();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const next = nextPath(location.state);
  const githubError = GITHUB_ERRORS[params.get('error') ?? ''];

  if (session.data) return <Navigate to={next} replace />;
  const signedIn = () => navigate(next, { replace: true });
  const canSignUp = options.data?.signup === true;

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <h1 className="brand-title">Fixloop</h1>
        <p className="muted">Sign in to triage your project's bug reports.</p>
        {githubError !== undefined ? (
          <p className="field-error" role="alert">
            {githubError}
          </p>
        ) : null}
        {creating && canSignUp ? (
          <>
            <SignupForm onSignedIn={signedIn} />
            <button type="button" className="button button-quiet" onClick={() => setCreating(false)}>
              I have an account
            </button>
          </>
        ) : (
          <>
            <PasswordForm onSignedIn={signedIn} />
            {canSignUp ? (
              <button type="button" className="button button-quiet" onClick={() => setCreating(true)}>
                Create an account
              </button>
            ) : null}
          </>
        )}
        {options.data?.github ? (
          <p>
            <a className="button" href="/auth/github">
              Continue with GitHub
            </a>
          </p>
        ) : null}
        <ApiKeyForm onSignedIn={signedIn} />
      </div>
    </main>
  );
}
