import { useRef, useState } from 'react';
import { Button } from '../../../components/ui/index.jsx';
import { MAX_TEXT_CHARS } from '../../../lib/realtime/protocol.js';
import { CannedPicker, filterCanned, findSlashQuery, insertCanned, useCannedReplies } from '../../canned/index.js';

/**
 * Message input. Enabled only for the owner; everybody else sees why
 * (`reason`) and, when nobody owns the conversation, a claim button.
 */
export function Composer({ canReply, reason, onSend, onTyping, onStopTyping, onClaim, claiming, attachButton, onPasteFiles }) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(null); // "start:query" closed with Esc (typing reopens)
  const inputRef = useRef(null);
  const canned = useCannedReplies(canReply);

  const slash = canReply ? findSlashQuery(text, caret) : null;
  const pickerOpen = !!slash && dismissed !== `${slash.start}:${slash.query}`;
  const matches = pickerOpen ? filterCanned(canned.items, slash.query) : [];
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));

  const track = (el) => setCaret(el.selectionStart ?? el.value.length);
  const change = (value, el) => {
    setText(value);
    const pos = el.selectionStart ?? value.length;
    setCaret(pos);
    const q = findSlashQuery(value, pos);
    if (q && !findSlashQuery(text, caret)) canned.refresh(); // picker opening: get fresh replies
    if (dismissed && (!q || dismissed !== `${q.start}:${q.query}`)) setDismissed(null);
    setActive(0);
    onTyping?.(value);
  };
  const pick = (r) => {
    if (!slash) return;
    const next = insertCanned(text, slash.start, caret, r.text);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    onTyping?.(next.text);
    requestAnimationFrame(() => {
      const el = inputRef.current;
      if (el) {
        el.focus();
        el.setSelectionRange(next.caret, next.caret);
      }
    });
  };

  const submit = (e) => {
    e?.preventDefault();
    const t = text.trim();
    if (!t || !canReply) return;
    onSend(t);
    setText('');
    setCaret(0);
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
      <div className="relative flex items-end gap-2">
        {pickerOpen && (
          <CannedPicker items={matches} active={activeIndex} onPick={pick} onHover={setActive} query={slash.query} />
        )}
        {attachButton}
        <textarea
          ref={inputRef}
          aria-label="Nội dung tin nhắn"
          data-testid="composer-input"
          rows={2}
          maxLength={MAX_TEXT_CHARS}
          disabled={!canReply}
          value={text}
          placeholder={canReply ? 'Nhập tin nhắn… (Enter để gửi, Shift+Enter xuống dòng)' : 'Bạn không thể trả lời cuộc trò chuyện này'}
          aria-autocomplete="list"
          aria-controls={pickerOpen ? 'canned-listbox' : undefined}
          aria-activedescendant={pickerOpen && matches.length ? `canned-option-${activeIndex}` : undefined}
          onChange={(e) => change(e.target.value, e.target)}
          onSelect={(e) => track(e.target)}
          onClick={(e) => track(e.target)}
          onBlur={() => {
            if (pickerOpen) setDismissed(`${slash.start}:${slash.query}`);
          }}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files || [])];
            if (files.length && onPasteFiles) {
              e.preventDefault();
              onPasteFiles(files);
            }
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return;
            if (pickerOpen) {
              if (e.key === 'Escape') {
                e.preventDefault();
                setDismissed(`${slash.start}:${slash.query}`);
                return;
              }
              if (matches.length > 0) {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  setActive((activeIndex + 1) % matches.length);
                  return;
                }
                if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  setActive((activeIndex - 1 + matches.length) % matches.length);
                  return;
                }
                if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
                  e.preventDefault();
                  pick(matches[activeIndex]);
                  return;
                }
              }
            }
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
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
