import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../features/auth/hooks/useAuth.js';

/** Requires a session; with `roles`, also one of those roles (others go back to the inbox). */
export function ProtectedRoute({ roles, children }) {
  const { session, agent } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (roles && !roles.includes(agent?.role)) return <Navigate to="/inbox" replace />;
  return children;
}
