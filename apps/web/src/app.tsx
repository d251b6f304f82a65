import { Link, Navigate, Route, Routes } from 'react-router';
import { RequireSession } from './auth/require-session';
import { Empty } from './components/states';
import { ClusterDetailPage } from './pages/cluster-detail/cluster-detail-page';
import { ClustersPage } from './pages/clusters/clusters-page';
import { FeedbackPage } from './pages/feedback/feedback-page';
import { JobsPage } from './pages/jobs/jobs-page';
import { LoginPage } from './pages/login/login-page';
import { MapPage } from './pages/map/map-page';
import { FirstRunGate } from './pages/onboarding/first-run-gate';
import { WelcomePage } from './pages/onboarding/welcome-page';
import { OverviewPage } from './pages/overview/overview-page';
import { SourcesPage } from './pages/sources/sources-page';

function NotFound() {
  return (
    <Empty title="There is no such page.">
      <Link to="/clusters">Go to Clusters</Link>
    </Empty>
  );
}

/** The routes, relative to the app's base path `/app/`. */
export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireSession />}>
        <Route
          index
          element={
            <FirstRunGate>
              <Navigate to="/clusters" replace />
            </FirstRunGate>
          }
        />
        <Route path="/welcome" element={<WelcomePage />} />
        <Route path="/overview" element={<OverviewPage />} />
        <Route
          path="/clusters"
          element={
            <FirstRunGate>
              <ClustersPage />
            </FirstRunGate>
          }
        />
        <Route path="/clusters/:id" element={<ClusterDetailPage />} />
        <Route path="/map" element={<MapPage />} />
        <Route path="/feedback" element={<FeedbackPage />} />
        <Route path="/sources" element={<SourcesPage />} />
        <Route path="/jobs" element={<JobsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
