import { Route, Router, type RouteSectionProps } from '@solidjs/router';
import { Header } from './components/Header.js';
import { NoticeBanner } from './components/NoticeBanner.js';
import { AdminNoticesPage } from './pages/AdminNoticesPage.js';
import { DatasetPage } from './pages/DatasetPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { NotificationSettingsPage } from './pages/NotificationSettingsPage.js';
import { NotificationsPage } from './pages/NotificationsPage.js';
import { ProjectPage } from './pages/ProjectPage.js';
import { ProjectsPage } from './pages/ProjectsPage.js';
import { AccountPage } from './pages/AccountPage.js';
import { AuditLogPage } from './pages/AuditLogPage.js';
import { ResetPasswordPage } from './pages/ResetPasswordPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { SignUpPage } from './pages/SignUpPage.js';
import { VerifyEmailPage } from './pages/VerifyEmailPage.js';

/** Wraps every page in a skip link, the header and the main landmark. */
function Layout(props: RouteSectionProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <NoticeBanner />
      <main id="main" class="page" tabindex="-1">
        {props.children}
      </main>
    </>
  );
}

/** Routes the portal's addresses to their pages. */
export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={ProjectsPage} />
      <Route path="/projects/:projectId" component={ProjectPage} />
      <Route path="/datasets/:datasetId" component={DatasetPage} />
      <Route path="/sign-in" component={SignInPage} />
      <Route path="/sign-up" component={SignUpPage} />
      <Route path="/verify-email" component={VerifyEmailPage} />
      <Route path="/reset-password" component={ResetPasswordPage} />
      <Route path="/account" component={AccountPage} />
      <Route path="/admin/audit-log" component={AuditLogPage} />
      <Route path="/admin/notices" component={AdminNoticesPage} />
      <Route path="/notifications" component={NotificationsPage} />
      <Route path="/settings/notifications" component={NotificationSettingsPage} />
      <Route path="*" component={NotFoundPage} />
    </Router>
  );
}
