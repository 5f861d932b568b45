import { useEffect, useRef } from 'react';
import { Avatar } from '../../../components/ui/index.jsx';
import { formatTime, formatDateTime } from '../../../lib/format/index.js';

function SystemMessage({ m }) {
  return (
    <div className="my-2 flex justify-center" data-testid="message" data-sender="system" data-seq={m.seq}>
      <span className="rounded-full bg-slate-200/70 px-3 py-1 text-[11px] text-slate-600">{m.text} · {formatTime(m.createdAt)}</span>
    </div>
  );
}

function Bubble({ m, mine, pending, onRetry, onDiscard }) {
  const isVisitor = m.senderType === 'visitor';
  const name = isVisitor ? m.senderName || 'Khách' : m.senderName || 'Nhân viên';
  const failed = pending?.status === 'failed';
  return (
    <div
      className={`flex items-end gap-2 ${isVisitor ? '' : 'flex-row-reverse'}`}
      data-testid={pending ? 'pending-message' : 'message'}
      data-sender={m.senderType}
      data-seq={m.seq}
      data-status={pending?.status}
    >
      <Avatar name={name} colorKey={isVisitor ? m.conversationId : m.senderId || name} size="sm" />
      <div className={`flex max-w-[75%] flex-col ${isVisitor ? 'items-start' : 'items-end'}`}>
        {!mine && <span className="mb-0.5 px-1 text-[11px] text-slate-500">{name}</span>}
        <div
          className={`whitespace-pre-wrap break-words rounded-2xl px-3 py-2 text-sm shadow-sm ${
            isVisitor ? 'rounded-bl-sm bg-white text-slate-900 ring-1 ring-slate-200' : failed ? 'rounded-br-sm bg-red-50 text-red-900 ring-1 ring-red-200' : `rounded-br-sm bg-blue-600 text-white ${pending ? 'opacity-70' : ''}`
          }`}
        >
          {m.text}
        </div>
        <span className="mt-0.5 px-1 text-[10px] text-slate-400" title={formatDateTime(m.createdAt)}>
          {pending ? (
            failed ? (
              <span className="text-red-600">
                {pending.error || 'Gửi thất bại'} ·{' '}
                <button type="button" className="font-medium underline" onClick={() => onRetry(pending.clientId)}>Thử lại</button>{' '}
                · <button type="button" className="underline" onClick={() => onDiscard(pending.clientId)}>Bỏ</button>
              </span>
            ) : (
              'Đang gửi…'
            )
          ) : (
            formatTime(m.createdAt)
          )}
        </span>
      </div>
    </div>
  );
}

/** Transcript: stored messages by seq, then local pending ones. */
export function MessageList({ messages, pending = [], meId, meName, typing, onRetry, onDiscard, loading }) {
  const endRef = useRef(null);
  const count = messages.length + pending.length;
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [count, typing]);
  return (
    <div className="flex-1 space-y-3 overflow-y-auto bg-slate-50 px-4 py-4" data-testid="thread" aria-live="polite">
      {loading && messages.length === 0 && <p className="text-center text-sm text-slate-400">Đang tải tin nhắn…</p>}
      {!loading && count === 0 && <p className="text-center text-sm text-slate-400">Chưa có tin nhắn.</p>}
      {messages.map((m) =>
        m.senderType === 'system' ? (
          <SystemMessage key={m.id} m={m} />
        ) : (
          <Bubble key={m.id} m={m} mine={m.senderType === 'agent' && m.senderId === meId} />
        ),
      )}
      {pending.map((p) => (
        <Bubble
          key={p.clientId}
          m={{ text: p.text, senderType: 'agent', senderId: meId, senderName: meName, createdAt: p.createdAt }}
          mine
          pending={p}
          onRetry={onRetry}
          onDiscard={onDiscard}
        />
      ))}
      {typing && (
        <div className="flex items-center gap-2 text-xs italic text-slate-500" data-testid="visitor-typing">
          <span className="inline-flex gap-0.5">
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400" />
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:120ms]" />
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:240ms]" />
          </span>
          Khách đang gõ...
        </div>
      )}
      <div ref={endRef} />
    </div>
  );
}
