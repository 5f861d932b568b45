import { useAuth } from '../features/auth/hooks/useAuth.js';

/** Failed sign-ins into my account since my previous one, until dismissed. */
export function LoginNoticeBanner() {
  const { loginNotice, dismissLoginNotice } = useAuth();
  if (!loginNotice) return null;
  return (
    <div role="alert" data-testid="login-notice" className="flex items-start justify-center gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      <span>{loginNotice.message}</span>
      <button type="button" onClick={dismissLoginNotice} className="shrink-0 rounded px-2 py-0.5 text-xs font-medium ring-1 ring-amber-400 hover:bg-amber-100">Đã hiểu</button>
    </div>
  );
}
