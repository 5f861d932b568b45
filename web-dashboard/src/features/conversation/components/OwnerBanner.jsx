import { Avatar } from '../../../components/ui/index.jsx';

/** Who owns the conversation — the one agent allowed to reply (with their photo). */
export function OwnerBanner({ conversation, meId }) {
  const { status, assigneeId, assigneeName, assigneeAvatarUrl } = conversation;
  let tone;
  let text;
  if (status === 'resolved') {
    tone = 'bg-slate-100 text-slate-700 border-slate-200';
    text = assigneeName ? `Cuộc trò chuyện đã kết thúc · ${assigneeName} phụ trách` : 'Cuộc trò chuyện đã kết thúc';
  } else if (!assigneeId) {
    tone = 'bg-amber-50 text-amber-900 border-amber-200';
    text = 'Chưa có ai phụ trách';
  } else if (assigneeId === meId) {
    tone = 'bg-emerald-50 text-emerald-900 border-emerald-200';
    text = `${assigneeName} đang trả lời`;
  } else {
    tone = 'bg-blue-50 text-blue-900 border-blue-200';
    text = `${assigneeName} đang trả lời`;
  }
  return (
    <div className={`flex items-center gap-2 border-b px-4 py-2 text-sm font-medium ${tone}`} data-testid="owner-banner" role="status">
      <span className={`h-2 w-2 rounded-full ${!assigneeId && status !== 'resolved' ? 'bg-amber-500' : status === 'resolved' ? 'bg-slate-400' : 'bg-emerald-500'}`} />
      {assigneeId && <Avatar name={assigneeName} colorKey={assigneeId} size="sm" src={assigneeAvatarUrl} />}
      <span>{text}</span>
      {assigneeId === meId && status !== 'resolved' && <span className="font-normal">(bạn)</span>}
    </div>
  );
}
