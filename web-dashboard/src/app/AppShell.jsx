import { useRef, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { Avatar, Brand, Button } from '../components/ui/index.jsx';
import { myOpenCount } from '../features/inbox/inbox-reducer.js';
import { useAuth } from '../features/auth/hooks/useAuth.js';
import { AvatarUpload, updateMe } from '../features/auth/index.js';
import { useInbox } from '../features/inbox/hooks/useInbox.js';
import { AvailabilityToggle } from '../features/inbox/components/AvailabilityToggle.jsx';
import { notificationPermission, requestNotificationPermission, beep } from '../lib/notifications/index.js';
import { ConnectionBanner } from './ConnectionBanner.jsx';
import { MentionToasts } from './MentionToasts.jsx';
import { TakeoverToasts } from './TakeoverToasts.jsx';
import { LoginNoticeBanner } from './LoginNoticeBanner.jsx';
import { SessionProviders } from './providers.jsx';
import { PendingResolveBar } from '../features/conversation/index.js';

const linkClass = ({ isActive }) =>
  `whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium transition ${isActive ? 'bg-slate-700 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white'}`;

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

const SOUND_LABELS = { on: 'Âm báo: bật', hidden: 'Âm báo: khi ẩn tab', off: 'Âm báo: tắt' };

/** The agent's sound setting (kept in this browser, per agent). */
function SoundSelect() {
  const { soundMode, setSoundMode } = useInbox();
  return (
    <select
      aria-label="Âm báo" data-testid="sound-mode" value={soundMode}
      onChange={(e) => { setSoundMode(e.target.value); if (e.target.value !== 'off') beep(); }}
      className="hidden rounded-md border-0 bg-slate-800 py-1 pl-2 pr-7 text-xs text-slate-200 ring-1 ring-slate-600 focus:ring-2 focus:ring-blue-500 sm:block"
    >
      {Object.entries(SOUND_LABELS).map(([v, label]) => <option key={v} value={v}>{label}</option>)}
    </select>
  );
}

/**
 * "Đăng xuất": when I still own open conversations it asks first (their
 * visitors would wait for me), in a modal <dialog>.
 */
function LogoutButton() {
  const { logout } = useAuth();
  const { state, me } = useInbox();
  const dialog = useRef(null);
  const [count, setCount] = useState(0);
  const click = () => {
    const n = myOpenCount(state, me?.id);
    if (n === 0) {
      logout();
      return;
    }
    setCount(n);
    dialog.current?.showModal();
  };
  return (
    <>
      <button type="button" onClick={click} aria-label="Đăng xuất" title="Đăng xuất" data-testid="logout-button" className="flex items-center gap-1 rounded-md px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white">
        <svg viewBox="0 0 20 20" className="h-4 w-4 sm:hidden" fill="currentColor" aria-hidden="true"><path d="M3 4a1 1 0 011-1h7a1 1 0 110 2H5v10h6a1 1 0 110 2H4a1 1 0 01-1-1V4zm10.3 2.3a1 1 0 011.4 0l3 3a1 1 0 010 1.4l-3 3a1 1 0 01-1.4-1.4l1.3-1.3H9a1 1 0 110-2h5.6l-1.3-1.3a1 1 0 010-1.4z" /></svg>
        <span className="hidden sm:inline">Đăng xuất</span>
      </button>
      <dialog ref={dialog} aria-labelledby="logout-title" data-testid="logout-dialog" className="w-full max-w-sm rounded-xl p-0 shadow-xl backdrop:bg-slate-900/50">
        <div className="space-y-3 p-5">
          <h2 id="logout-title" className="text-base font-semibold text-slate-900">Đăng xuất khi còn khách?</h2>
          <p className="text-sm text-slate-700" data-testid="logout-warning">
            Bạn còn {count} cuộc trò chuyện đang mở. Sau khi đăng xuất, khách sẽ chờ đến khi bạn hoặc đồng nghiệp trả lời;
            hãy kết thúc hoặc chuyển chúng cho người khác trước.
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => dialog.current?.close()} data-testid="logout-stay" autoFocus>Ở lại</Button>
            <Button variant="danger" size="sm" onClick={() => { dialog.current?.close(); logout(); }} data-testid="logout-confirm">Vẫn đăng xuất</Button>
          </div>
        </div>
      </dialog>
    </>
  );
}

function Header() {
  const { agent, isAdmin } = useAuth();
  const { unread } = useInbox();
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-2 bg-slate-900 px-3 py-2 md:px-4">
      <Brand />
      {/* An admin's fourteen links take their own full row below 1536 px (at 1366 px
          they fit it, not beside the brand and the status controls). */}
      <nav className={`order-last flex w-full gap-1 overflow-x-auto ${isAdmin ? '2xl:order-none 2xl:w-auto' : 'md:order-none md:w-auto'}`} aria-label="Điều hướng chính">
        <NavLink to="/inbox" className={linkClass}>
          Hộp thư{unread > 0 && <span className="ml-1.5 rounded-full bg-red-600 px-1.5 py-px text-[11px] text-white" data-testid="nav-unread">{unread}</span>}
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
        <SoundSelect />
        <AvailabilityToggle />
        <div className="flex items-center gap-2">
          <span className="hidden sm:inline-flex"><Avatar name={agent?.name} colorKey={agent?.id} size="sm" src={agent?.avatarUrl} /></span>
          <div className="hidden leading-tight lg:block">
            <div className="text-sm font-medium text-white" data-testid="me-name">{agent?.name}</div>
            <div className="text-[11px] text-slate-400">{agent?.role === 'admin' ? 'Quản trị' : 'Nhân viên'}</div>
          </div>
          {agent && <AvatarUpload agent={agent} dark label="Đổi ảnh" className="hidden lg:inline-flex" onUploaded={(a) => updateMe({ avatarUrl: a.avatarUrl })} />}
        </div>
        <LogoutButton />
      </div>
    </header>
  );
}

function ResolveUndo() {
  const { upsertConversation } = useInbox();
  return <PendingResolveBar upsertConversation={upsertConversation} />;
}

function Mentions() {
  const { agent } = useAuth();
  return agent ? (
    <>
      <MentionToasts meId={agent.id} />
      <TakeoverToasts meId={agent.id} />
    </>
  ) : null;
}

export function AppShell() {
  return (
    <SessionProviders>
      <div className="flex h-screen flex-col">
        <Header />
        <ConnectionBanner />
        <Mentions />
        <LoginNoticeBanner />
        <main className="flex min-h-0 flex-1 flex-col overflow-y-auto">
          <Outlet />
        </main>
        <ResolveUndo />
      </div>
    </SessionProviders>
  );
}
