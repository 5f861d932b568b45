import { NavLink } from 'react-router';
import { Avatar, Badge } from '../../../components/ui/index.jsx';
import { PriorityBadge, Stars, TagList } from '../../../components/ui/support.jsx';
import { formatShortTime, STATUS_LABELS } from '../../../lib/format/index.js';
import { LEFT } from '../../../lib/realtime/protocol.js';
import { unreadFor } from '../inbox-reducer.js';

export function lastMessagePreview(c, meId) {
  const lm = c.lastMessage;
  if (!lm || (!lm.text && !lm.attachment && !lm.kind)) return 'Chưa có tin nhắn';
  if (!lm.text && lm.kind === 'image') return '[Hình ảnh]';
  if (!lm.text && lm.kind === 'file') return `[Tệp] ${lm.attachment?.name || ''}`.trim();
  if (lm.senderType === 'bot') return `${lm.senderName || 'Trợ lý ảo'}: ${lm.text}`;
  if (lm.senderType === 'agent') {
    if (lm.senderId && lm.senderId === meId) return `Bạn: ${lm.text}`;
    return lm.senderName ? `${lm.senderName}: ${lm.text}` : `↩ ${lm.text}`;
  }
  if (lm.senderType === 'system') return lm.text;
  return lm.text;
}

export function ConversationRow({ c, meId }) {
  const unread = unreadFor(c, meId);
  return (
    <NavLink
      to={`/inbox/${c.id}`}
      data-testid="conversation-row"
      data-conversation-id={c.id}
      className={({ isActive }) =>
        `flex gap-3 border-b border-slate-100 px-3 py-3 transition hover:bg-slate-50 ${isActive ? 'bg-blue-50/70 hover:bg-blue-50' : ''}`
      }
    >
      <Avatar name={c.visitor?.name || 'Khách'} colorKey={c.id} />
      <div className="min-w-0 flex-1">
        <div className="flex items-baseline justify-between gap-2">
          <span className={`truncate text-sm ${unread ? 'font-semibold text-slate-900' : 'font-medium text-slate-800'}`}>{c.visitor?.name || 'Khách'}</span>
          <span className="shrink-0 text-[11px] text-slate-600">{formatShortTime(c.lastMessage?.at || c.updatedAt || c.createdAt)}</span>
        </div>
        {c.visitor?.phone && <div className="text-xs text-slate-600">{c.visitor.phone}</div>}
        <div className="mt-0.5 flex items-center justify-between gap-2">
          <p className={`truncate text-xs ${unread ? 'text-slate-800' : 'text-slate-600'} ${c.lastMessage?.senderType === 'system' ? 'italic' : ''}`}>{lastMessagePreview(c, meId)}</p>
          {unread > 0 && (
            <span className="inline-flex min-w-[1.25rem] shrink-0 items-center justify-center rounded-full bg-red-600 px-1.5 text-[11px] font-semibold text-white" data-testid="row-unread" aria-label={`${unread} tin chưa đọc`}>
              {unread}
            </span>
          )}
        </div>
        {c.leftMessage && c.status !== 'resolved' && (
          <div className="mt-1 text-[11px] font-semibold text-indigo-700" data-testid="left-badge">
            {c.leftMessage === LEFT.OUTSIDE_HOURS ? 'Để lại ngoài giờ làm việc' : 'Để lại khi không có nhân viên'}
          </div>
        )}
        {c.handoffAt && !c.assigneeId && c.status !== 'resolved' && (
          <div className="mt-1 text-[11px] font-semibold text-rose-700" data-testid="handoff-flag">Khách muốn gặp nhân viên</div>
        )}
        <div className="mt-1 flex flex-wrap items-center gap-1.5">
          <PriorityBadge priority={c.priority} always />
          <Badge tone={c.status}>{STATUS_LABELS[c.status] || c.status}</Badge>
          {c.returning && <span data-testid="row-returning" title={`Lần liên hệ thứ ${c.contactConversations}`}><Badge tone="violet">Khách quen</Badge></span>}
          {c.rating && <Stars stars={c.rating.stars} size="text-[11px]" />}
          <span className="truncate text-[11px] text-slate-600">
            {c.assigneeName ? (c.assigneeId === meId ? 'Bạn phụ trách' : `${c.assigneeName} phụ trách`) : 'Chưa có ai phụ trách'}
          </span>
        </div>
        <TagList tags={c.tags} className="mt-1" />
      </div>
    </NavLink>
  );
}
