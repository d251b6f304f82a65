import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../api/auth';
import { ErrorState, Loading } from '../components/states';
import { AppLayout } from '../layout/app-layout';
import { ProjectProvider } from './project-context';

/** The signed-in part of the app: signed-out visitors go to the sign-in page and come back after. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return (
      <main className="page-center" id="main">
        <Loading label="Checking your session…" />
      </main>
    );
  }
  if (session.isError) {
    return (
      <main className="page-center" id="main">
        <ErrorState
          error={session.error}
          title="Could not reach Fixloop."
          onRetry={() => void session.refetch()}
        />
      </main>
    );
  }
  if (!session.data) {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return (
    <ProjectProvider session={session.data}>
      <AppLayout>
        <Outlet />
      </AppLayout>
    </ProjectProvider>
  );
}
