import { useState } from 'react';
import { Button } from '../../../components/ui/index.jsx';
import { MAX_TEXT_CHARS } from '../../../lib/realtime/protocol.js';

/**
 * Message input. Enabled only for the owner; everybody else sees why
 * (`reason`) and, when nobody owns the conversation, a claim button.
 */
export function Composer({ canReply, reason, onSend, onTyping, onStopTyping, onClaim, claiming }) {
  const [text, setText] = useState('');
  const submit = (e) => {
    e?.preventDefault();
    const t = text.trim();
    if (!t || !canReply) return;
    onSend(t);
    setText('');
    onStopTyping?.();
  };
  return (
    <form onSubmit={submit} className="border-t border-slate-200 bg-white p-3" data-testid="composer">
      {!canReply && (
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200" data-testid="composer-reason">
          <span className="flex items-center gap-2">
            <svg viewBox="0 0 20 20" className="h-4 w-4 shrink-0" fill="currentColor" aria-hidden="true"><path d="M10 2a4 4 0 00-4 4v2H5a1 1 0 00-1 1v8a1 1 0 001 1h10a1 1 0 001-1V9a1 1 0 00-1-1h-1V6a4 4 0 00-4-4zm-2 6V6a2 2 0 114 0v2H8z" /></svg>
            {reason}
          </span>
          {onClaim && (
            <Button variant="success" size="sm" onClick={onClaim} disabled={claiming}>Nhận cuộc trò chuyện</Button>
          )}
        </div>
      )}
      <div className="flex items-end gap-2">
        <textarea
          aria-label="Nội dung tin nhắn"
          data-testid="composer-input"
          rows={2}
          maxLength={MAX_TEXT_CHARS}
          disabled={!canReply}
          value={text}
          placeholder={canReply ? 'Nhập tin nhắn… (Enter để gửi, Shift+Enter xuống dòng)' : 'Bạn không thể trả lời cuộc trò chuyện này'}
          onChange={(e) => {
            setText(e.target.value);
            onTyping?.(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
          }}
          className="block max-h-40 min-h-[2.75rem] flex-1 resize-y rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-blue-600 disabled:cursor-not-allowed disabled:bg-slate-100"
        />
        <Button type="submit" disabled={!canReply || !text.trim()} data-testid="send-button">
          Gửi
        </Button>
      </div>
    </form>
  );
}
