import { createBrowserRouter, Navigate, Outlet } from 'react-router';
import { ProtectedRoute } from './ProtectedRoute.jsx';
import { AppShell } from './AppShell.jsx';

const basename = (import.meta.env.BASE_URL || '/').replace(/\/$/, '') || '/';

// Lazy routes: each page is its own chunk.
const page = (load, name) => async () => {
  const m = await load();
  return { Component: m[name] };
};

export const routes = [
  { path: '/login', lazy: page(() => import('../features/auth/components/LoginPage.jsx'), 'LoginPage') },
  {
    path: '/',
    element: (
      <ProtectedRoute>
        <AppShell />
      </ProtectedRoute>
    ),
    HydrateFallback: () => null,
    children: [
      { index: true, element: <Navigate to="/inbox" replace /> },
      {
        path: 'inbox',
        lazy: page(() => import('../features/inbox/components/InboxPage.jsx'), 'InboxPage'),
        children: [
          { index: true, lazy: page(() => import('../features/inbox/components/InboxPage.jsx'), 'InboxEmpty') },
          { path: ':conversationId', lazy: page(() => import('../features/conversation/components/ConversationView.jsx'), 'ConversationView') },
        ],
      },
      { path: 'history', lazy: page(() => import('../features/history/components/HistoryPage.jsx'), 'HistoryPage') },
      { path: 'canned', lazy: page(() => import('../features/canned/components/CannedRepliesPage.jsx'), 'CannedRepliesPage') },
      { path: 'history/:conversationId', lazy: page(() => import('../features/history/components/TranscriptPage.jsx'), 'TranscriptPage') },
      {
        path: 'admin',
        element: (
          <ProtectedRoute roles={['admin']}>
            <Outlet />
          </ProtectedRoute>
        ),
        children: [
          { index: true, element: <Navigate to="/admin/agents" replace /> },
          { path: 'agents', lazy: page(() => import('../features/admin/components/AgentsPage.jsx'), 'AgentsPage') },
          { path: 'form-fields', lazy: page(() => import('../features/admin/components/FormFieldsPage.jsx'), 'FormFieldsPage') },
          { path: 'settings', lazy: page(() => import('../features/admin/components/SettingsPage.jsx'), 'SettingsPage') },
          { path: 'stats', lazy: page(() => import('../features/admin/components/StatsPage.jsx'), 'StatsPage') },
          { path: 'bot', lazy: page(() => import('../features/admin/components/BotPage.jsx'), 'BotPage') },
          { path: 'hours', lazy: page(() => import('../features/admin/components/OfficeHoursPage.jsx'), 'OfficeHoursPage') },
          { path: 'integrations', lazy: page(() => import('../features/integrations/components/IntegrationsPage.jsx'), 'IntegrationsPage') },
          { path: 'canned', lazy: page(() => import('../features/canned/components/CannedRepliesPage.jsx'), 'AdminCannedRepliesPage') },
          { path: 'blocks', lazy: page(() => import('../features/abuse/components/BlocksPage.jsx'), 'BlocksPage') },
          { path: 'privacy', lazy: page(() => import('../features/privacy/components/PrivacyPage.jsx'), 'PrivacyPage') },
          { path: 'audit', lazy: page(() => import('../features/privacy/components/AuditPage.jsx'), 'AuditPage') },
        ],
      },
      { path: '*', element: <Navigate to="/inbox" replace /> },
    ],
  },
];

export const router = createBrowserRouter(routes, { basename });
