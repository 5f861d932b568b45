import { useState } from 'react';
import { Button, inputClass } from '../../../components/ui/index.jsx';

/** Claim / takeover ("Xin nhận", admins "Nhận ngay") / transfer / resolve ("Kết thúc") / reopen. */
export function ConversationActions({ conversation, me, agents, busy, takeoverPending, onClaim, onRequestTakeover, onForceTakeover, onTransfer, onResolve, onReopen }) {
  const [target, setTarget] = useState('');
  const isOwner = conversation.assigneeId && conversation.assigneeId === me.id;
  const isAdmin = me.role === 'admin';
  const open = conversation.status !== 'resolved';
  const candidates = Object.values(agents)
    .filter((a) => a.id !== conversation.assigneeId && !a.disabled)
    .sort((a, b) => String(a.name).localeCompare(String(b.name), 'vi'));
  return (
    <div className="flex flex-wrap items-center gap-2">
      {open && !conversation.assigneeId && (
        <Button variant="success" size="sm" onClick={onClaim} disabled={busy} data-testid="claim-button">Nhận cuộc trò chuyện</Button>
      )}
      {open && conversation.assigneeId && !isOwner && !takeoverPending && (
        <Button variant="secondary" size="sm" onClick={onRequestTakeover} disabled={busy} data-testid="takeover-request">Xin nhận cuộc trò chuyện</Button>
      )}
      {open && conversation.assigneeId && !isOwner && isAdmin && (
        <Button variant="primary" size="sm" onClick={onForceTakeover} disabled={busy} data-testid="takeover-force">Nhận ngay</Button>
      )}
      {open && (isOwner || isAdmin) && (
        <form
          noValidate
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            if (target) onTransfer(target).then((ok) => ok && setTarget(''));
          }}
        >
          <select aria-label="Chuyển cho nhân viên" data-testid="transfer-select" value={target} onChange={(e) => setTarget(e.target.value)} className={`${inputClass} !w-40 !py-1 text-xs`}>
            <option value="">Chuyển cho…</option>
            {candidates.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}{a.online ? (a.status === 'away' ? ' (vắng)' : '') : ' (ngoại tuyến)'}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary" size="sm" disabled={!target || busy} data-testid="transfer-button">Chuyển</Button>
        </form>
      )}
      {open && (isOwner || isAdmin) && (
        <Button variant="danger" size="sm" onClick={onResolve} disabled={busy} data-testid="resolve-button">Kết thúc</Button>
      )}
      {!open && (
        <Button variant="secondary" size="sm" onClick={onReopen} disabled={busy} data-testid="reopen-button">Mở lại</Button>
      )}
    </div>
  );
}
