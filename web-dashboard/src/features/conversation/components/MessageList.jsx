import { useEffect, useRef } from 'react';
import { Avatar } from '../../../components/ui/index.jsx';
import { formatBytes, formatTime, formatDateTime } from '../../../lib/format/index.js';
import { linkify } from '../../../lib/links/index.js';
import { FileAttachment, ImageAttachment } from './Attachment.jsx';

/** Message text with its links (http(s) and www. only) opening in a new tab; never HTML. */
function Text({ text }) {
  return linkify(text).map((p, i) => (typeof p === 'string' ? p : (
    <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow" className="underline underline-offset-2" data-testid="link">{p.text}</a>
  )));
}

function Content({ m, light }) {
  const att = m.attachment;
  if (!att || (m.kind !== 'image' && m.kind !== 'file')) return <Text text={m.text} />;
  return (
    <span className="flex flex-col gap-1.5">
      {m.kind === 'image' ? (
        <ImageAttachment conversationId={m.conversationId} attachment={att} />
      ) : (
        <FileAttachment conversationId={m.conversationId} attachment={att} light={light} />
      )}
      {m.text && <span><Text text={m.text} /></span>}
    </span>
  );
}

function UploadItem({ u, onRetry, onDiscard }) {
  const failed = u.status === 'failed';
  const pct = Math.round((u.progress || 0) * 100);
  return (
    <div className="flex flex-row-reverse items-end gap-2" data-testid="upload-item" data-status={u.status}>
      <div className={`w-64 max-w-[75%] rounded-2xl rounded-br-sm px-3 py-2 text-sm shadow-sm ring-1 ${failed ? 'bg-red-50 text-red-900 ring-red-200' : 'bg-white text-slate-800 ring-slate-200'}`}>
        <div className="flex items-baseline justify-between gap-2">
          <span className="truncate font-medium">{u.name}</span>
          <span className="shrink-0 text-[11px] text-slate-600">{formatBytes(u.size)}</span>
        </div>
        {failed ? (
          <div className="mt-1 text-xs">
            <span data-testid="upload-error">{u.error}</span>
            <span className="mt-1 flex gap-3">
              {/* a wrong type or a file too large: sending again cannot help */}
              {!u.permanent && <button type="button" className="font-medium underline" onClick={() => onRetry(u.clientId)}>Thử lại</button>}
              <button type="button" className="underline" onClick={() => onDiscard(u.clientId)}>Bỏ</button>
            </span>
          </div>
        ) : (
          <div className="mt-1.5 flex items-center gap-2">
            <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-label={`Đang tải lên ${u.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="upload-progress">
              <div className="h-full bg-blue-600 transition-[width]" style={{ width: `${pct}%` }} />
            </div>
            <span className="w-9 text-right text-[11px] tabular-nums text-slate-600">{pct}%</span>
            <button type="button" className="text-[11px] text-slate-600 underline" onClick={() => onDiscard(u.clientId)}>Huỷ</button>
          </div>
        )}
      </div>
    </div>
  );
}

function SystemMessage({ m }) {
  return (
    <div className="my-2 flex justify-center" data-testid="message" data-sender="system" data-seq={m.seq}>
      <span className="rounded-full bg-slate-200/70 px-3 py-1 text-[11px] text-slate-600">{m.text} · {formatTime(m.createdAt)}</span>
    </div>
  );
}

/** A system line only agents see (a takeover request asked, declined, cancelled, expired): a note, not part of the visitor's transcript. */
function SystemNote({ m }) {
  return (
    <div className="my-2 flex justify-center" data-testid="system-note" data-notice={m.notice?.code}>
      <span className="rounded-full bg-amber-100 px-3 py-1 text-[11px] text-amber-900 ring-1 ring-amber-300">
        <span className="font-semibold">Nội bộ:</span> {m.text} · {formatTime(m.createdAt)}
      </span>
    </div>
  );
}

function NoteItem({ m, agents }) {
  const names = (m.note?.mentions || []).map((id) => agents?.find((a) => a.id === id)?.name).filter(Boolean);
  return (
    <div className="mx-auto max-w-[85%] rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-300" data-testid="note" data-after-seq={m.note?.afterSeq}>
      <div className="mb-0.5 flex items-center gap-2 text-[11px] font-semibold text-amber-800">
        <span className="rounded bg-amber-200 px-1.5 py-px" data-testid="note-label">Ghi chú nội bộ</span>
        <span>{m.senderName}</span>
        <span className="font-normal" title={formatDateTime(m.createdAt)}>{formatTime(m.createdAt)}</span>
      </div>
      <div className="whitespace-pre-wrap [overflow-wrap:anywhere]"><Text text={m.text} /></div>
      {names.length > 0 && <div className="mt-1 text-[11px] text-amber-800" data-testid="note-mentions">Nhắc đến: {names.join(', ')}</div>}
    </div>
  );
}

/** Messages with the notes placed after the message their afterSeq names. */
export function interleave(messages, notes) {
  if (!notes?.length) return messages;
  const out = [];
  let i = 0;
  for (const m of messages) {
    while (i < notes.length && (notes[i].note?.afterSeq || 0) < m.seq) out.push(notes[i++]);
    out.push(m);
  }
  while (i < notes.length) out.push(notes[i++]);
  return out;
}

function Bubble({ m, mine, pending, seen, onRetry, onDiscard, photo }) {
  const isVisitor = m.senderType === 'visitor';
  const isBot = m.senderType === 'bot';
  const name = isVisitor ? m.senderName || 'Khách' : isBot ? m.senderName || 'Trợ lý ảo' : m.senderName || 'Nhân viên';
  const hasAttachment = !!m.attachment && (m.kind === 'image' || m.kind === 'file');
  const failed = pending?.status === 'failed';
  return (
    <div
      className={`flex items-end gap-2 ${isVisitor ? '' : 'flex-row-reverse'}`}
      data-testid={pending ? 'pending-message' : 'message'}
      data-sender={m.senderType}
      data-seq={m.seq}
      data-status={pending?.status}
    >
      {isBot ? (
        <span className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-violet-600 text-white" aria-hidden="true">
          <svg viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor"><path d="M9 2h2v2h3a2 2 0 012 2v7a2 2 0 01-2 2H6a2 2 0 01-2-2V6a2 2 0 012-2h3V2zm-2 6a1 1 0 100 2 1 1 0 000-2zm6 0a1 1 0 100 2 1 1 0 000-2zM7 12h6v1H7v-1zM2 8h1v4H2V8zm15 0h1v4h-1V8z" /></svg>
        </span>
      ) : (
        <Avatar name={name} colorKey={isVisitor ? m.conversationId : m.senderId || name} size="sm" src={isVisitor ? undefined : photo} />
      )}
      <div className={`flex min-w-0 max-w-[75%] flex-col ${isVisitor ? 'items-start' : 'items-end'}`}>
        {!mine && (
          <span className="mb-0.5 flex items-center gap-1.5 px-1 text-[11px] text-slate-600">
            {name}
            {isBot && <span className="rounded bg-violet-100 px-1.5 py-px text-[10px] font-semibold text-violet-700" data-testid="bot-badge">Trợ lý ảo</span>}
          </span>
        )}
        <div
          data-testid="bubble"
          className={`max-w-full whitespace-pre-wrap [overflow-wrap:anywhere] rounded-2xl text-sm shadow-sm ${hasAttachment && m.kind === 'image' ? 'p-1.5' : 'px-3 py-2'} ${
            isVisitor ? 'rounded-bl-sm bg-white text-slate-900 ring-1 ring-slate-200' : isBot ? 'rounded-br-sm bg-violet-50 text-violet-950 ring-1 ring-violet-200' : failed ? 'rounded-br-sm bg-red-50 text-red-900 ring-1 ring-red-200' : `rounded-br-sm bg-blue-600 text-white ${pending ? 'opacity-70' : ''}`
          }`}
        >
          <Content m={m} light={!isVisitor && !isBot && !failed} />
        </div>
        <span className="mt-0.5 px-1 text-[10px] text-slate-600" title={formatDateTime(m.createdAt)}>
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
            <>
              {formatTime(m.createdAt)}
              {seen && <span className="text-blue-600" data-testid="seen"> · Đã xem</span>}
            </>
          )}
        </span>
      </div>
    </div>
  );
}

/** Transcript: stored messages by seq, then local pending ones. */
export function MessageList({ messages, notes = [], agents = [], pending = [], uploads = [], meId, meName, typing, readSeq = 0, onRetry, onDiscard, onRetryUpload, onDiscardUpload, loading, dropProps, dragging }) {
  const photos = Object.fromEntries(agents.filter((a) => a.avatarUrl).map((a) => [a.id, a.avatarUrl]));
  // "Đã xem" under the last answer (an agent's or the bot's) the visitor has read.
  let seen = null;
  for (const m of messages) if (m.senderType === 'agent' || m.senderType === 'bot') seen = m;
  if (seen && !(readSeq >= seen.seq)) seen = null;
  const endRef = useRef(null);
  const count = messages.length + notes.length + pending.length + uploads.length;
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [count, typing]);
  return (
    <div className="relative flex-1 space-y-3 overflow-y-auto bg-slate-50 px-4 py-4" data-testid="thread" aria-live="polite" {...dropProps}>
      {dragging && (
        <div className="pointer-events-none sticky top-0 z-10 flex h-24 items-center justify-center rounded-lg border-2 border-dashed border-blue-400 bg-blue-50/90 text-sm font-medium text-blue-800" data-testid="drop-overlay">
          Thả tệp vào đây để gửi
        </div>
      )}
      {loading && messages.length === 0 && <p className="text-center text-sm text-slate-600">Đang tải tin nhắn…</p>}
      {!loading && count === 0 && <p className="text-center text-sm text-slate-600">Chưa có tin nhắn.</p>}
      {interleave(messages, notes).map((m) =>
        m.note ? (
          m.senderType === 'system' ? <SystemNote key={m.id} m={m} /> : <NoteItem key={m.id} m={m} agents={agents} />
        ) : m.senderType === 'system' ? (
          <SystemMessage key={m.id} m={m} />
        ) : (
          <Bubble key={m.id} m={m} mine={m.senderType === 'agent' && m.senderId === meId} seen={m === seen} photo={m.senderType === 'agent' ? photos[m.senderId] : undefined} />
        ),
      )}
      {pending.map((p) => (
        <Bubble
          key={p.clientId}
          m={{ text: p.text, senderType: 'agent', senderId: meId, senderName: meName, createdAt: p.createdAt }}
          mine
          photo={photos[meId]}
          pending={p}
          onRetry={onRetry}
          onDiscard={onDiscard}
        />
      ))}
      {uploads.map((u) => (
        <UploadItem key={u.clientId} u={u} onRetry={onRetryUpload} onDiscard={onDiscardUpload} />
      ))}
      {typing && (
        <div className={`flex items-center gap-2 text-xs italic ${typing === 'bot' ? 'justify-end text-violet-600' : 'text-slate-500'}`} data-testid={typing === 'bot' ? 'bot-typing' : 'visitor-typing'}>
          <span className="inline-flex gap-0.5">
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400" />
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:120ms]" />
            <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:240ms]" />
          </span>
          {typing === 'bot' ? 'Trợ lý ảo đang soạn trả lời...' : 'Khách đang gõ...'}
        </div>
      )}
      <div ref={endRef} />
    </div>
  );
}
