import { useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { Avatar, Brand } from '../components/ui/index.jsx';
import { useAuth } from '../features/auth/hooks/useAuth.js';
import { useInbox } from '../features/inbox/hooks/useInbox.js';
import { AvailabilityToggle } from '../features/inbox/components/AvailabilityToggle.jsx';
import { notificationPermission, requestNotificationPermission, beep } from '../lib/notifications/index.js';
import { ConnectionBanner } from './ConnectionBanner.jsx';
import { MentionToasts } from './MentionToasts.jsx';
import { LoginNoticeBanner } from './LoginNoticeBanner.jsx';
import { SessionProviders } from './providers.jsx';

const linkClass = ({ isActive }) =>
  `whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium transition ${isActive ? 'bg-slate-700 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`;

function NotificationButton() {
  const [perm, setPerm] = useState(notificationPermission);
  if (perm !== 'default') return null;
  return (
    <button
      type="button"
      onClick={async () => { beep(); setPerm(await requestNotificationPermission()); }}
      className="hidden rounded-md px-2 py-1 text-xs text-slate-300 ring-1 ring-slate-600 hover:text-white sm:block"
    >
      Bật thông báo
    </button>
  );
}

function Header() {
  const { agent, isAdmin, logout } = useAuth();
  const { unread } = useInbox();
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-2 bg-slate-900 px-3 py-2 md:px-4">
      <Brand />
      <nav className="order-last flex w-full gap-1 overflow-x-auto md:order-none md:w-auto" aria-label="Điều hướng chính">
        <NavLink to="/inbox" className={linkClass}>
          Hộp thư{unread > 0 && <span className="ml-1.5 rounded-full bg-red-500 px-1.5 py-px text-[11px] text-white" data-testid="nav-unread">{unread}</span>}
        </NavLink>
        <NavLink to="/history" className={linkClass}>Lịch sử</NavLink>
        <NavLink to="/canned" end className={linkClass}>Trả lời nhanh</NavLink>
        {isAdmin && (
          <>
            <NavLink to="/admin/stats" className={linkClass}>Thống kê</NavLink>
            <NavLink to="/admin/canned" className={linkClass}>Trả lời chung</NavLink>
            <NavLink to="/admin/agents" className={linkClass}>Nhân viên</NavLink>
            <NavLink to="/admin/form-fields" className={linkClass}>Biểu mẫu</NavLink>
            <NavLink to="/admin/bot" className={linkClass}>Trợ lý ảo</NavLink>
            <NavLink to="/admin/hours" className={linkClass}>Giờ làm việc</NavLink>
            <NavLink to="/admin/integrations" className={linkClass}>Tích hợp</NavLink>
            <NavLink to="/admin/settings" className={linkClass}>Cài đặt</NavLink>
            <NavLink to="/admin/blocks" className={linkClass}>Chặn khách</NavLink>
            <NavLink to="/admin/privacy" className={linkClass}>Dữ liệu cá nhân</NavLink>
            <NavLink to="/admin/audit" className={linkClass}>Nhật ký</NavLink>
          </>
        )}
      </nav>
      <div className="ml-auto flex items-center gap-2 sm:gap-3">
        <NotificationButton />
        <AvailabilityToggle />
        <div className="flex items-center gap-2">
          <span className="hidden sm:inline-flex"><Avatar name={agent?.name} colorKey={agent?.id} size="sm" /></span>
          <div className="hidden leading-tight lg:block">
            <div className="text-sm font-medium text-white" data-testid="me-name">{agent?.name}</div>
            <div className="text-[11px] text-slate-400">{agent?.role === 'admin' ? 'Quản trị' : 'Nhân viên'}</div>
          </div>
        </div>
        <button type="button" onClick={() => logout()} aria-label="Đăng xuất" title="Đăng xuất" className="flex items-center gap-1 rounded-md px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white">
          <svg viewBox="0 0 20 20" className="h-4 w-4 sm:hidden" fill="currentColor" aria-hidden="true"><path d="M3 4a1 1 0 011-1h7a1 1 0 110 2H5v10h6a1 1 0 110 2H4a1 1 0 01-1-1V4zm10.3 2.3a1 1 0 011.4 0l3 3a1 1 0 010 1.4l-3 3a1 1 0 01-1.4-1.4l1.3-1.3H9a1 1 0 110-2h5.6l-1.3-1.3a1 1 0 010-1.4z" /></svg>
          <span className="hidden sm:inline">Đăng xuất</span>
        </button>
      </div>
    </header>
  );
}

function Mentions() {
  const { agent } = useAuth();
  return agent ? <MentionToasts meId={agent.id} /> : null;
}

export function AppShell() {
  return (
    <SessionProviders>
      <div className="flex h-screen flex-col">
        <Header />
        <ConnectionBanner />
        <Mentions />
        <LoginNoticeBanner />
        <div className="flex min-h-0 flex-1 flex-col overflow-y-auto">
          <Outlet />
        </div>
      </div>
    </SessionProviders>
  );
}
