import { useLayoutEffect, useRef, useState } from 'react';
import { Button } from '../../../components/ui/index.jsx';
import { MAX_TEXT_CHARS } from '../../../lib/realtime/protocol.js';
import { PHONE, useMediaQuery } from '../../../lib/hooks/index.js';
import { CannedPicker, fillCannedVariables, filterCanned, findSlashQuery, insertCanned, unfilledVariables, useCannedReplies } from '../../canned/index.js';

/**
 * Message input. Enabled only for the owner; everybody else sees why
 * (`reason`) and, when nobody owns the conversation, a claim button.
 */
/** The "@query" being typed before the caret in a note, or null. */
export function findMentionQuery(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || caret - at > 41) return null;
  if (at > 0 && !/\s/.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.includes('\n')) return null;
  return { start: at, query };
}

export function Composer({ canReply, reason, onSend, onNote, agents = [], cannedValues = {}, onTyping, onStopTyping, onClaim, claiming, attachButton, onPasteFiles }) {
  const [text, setText] = useState('');
  const [noteMode, setNoteMode] = useState(false);
  const [noteError, setNoteError] = useState(null);
  const [saving, setSaving] = useState(false);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(null); // "start:query" closed with Esc (typing reopens)
  const inputRef = useRef(null);
  // Where the caret goes after an insertion (a mention, a canned reply).
  // Placed in the same commit as the new text, before the browser handles
  // the next key: a later placement (a frame later) would move the caret
  // back over what was typed meanwhile, as a fast tap-then-type did.
  const placeCaret = useRef(null);
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (placeCaret.current === null || !el) return;
    el.focus();
    el.setSelectionRange(placeCaret.current, placeCaret.current);
    placeCaret.current = null;
  });
  const canned = useCannedReplies(canReply);

  const slash = canReply && !noteMode ? findSlashQuery(text, caret) : null;
  const pickerOpen = !!slash && dismissed !== `${slash.start}:${slash.query}`;
  const matches = pickerOpen ? filterCanned(canned.items, slash.query) : [];
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));
  const mention = noteMode ? findMentionQuery(text, caret) : null;
  const mentionMatches = mention && dismissed !== `@${mention.start}:${mention.query}`
    ? agents.filter((a) => a.name && a.name.toLocaleLowerCase('vi').startsWith(mention.query.toLocaleLowerCase('vi')) && a.name !== mention.query).slice(0, 6)
    : [];
  const mentionOpen = mentionMatches.length > 0;
  const mentionIndex = Math.min(active, Math.max(0, mentionMatches.length - 1));
  const enabled = canReply || noteMode;
  // A phone's keyboard has no Enter-to-send habit, and the key hints would
  // not fit in two lines there.
  const phone = useMediaQuery(PHONE);
  const placeholder = noteMode
    ? (phone ? 'Ghi chú cho đồng nghiệp… (@ để nhắc tên)' : 'Ghi chú cho đồng nghiệp… (@ để nhắc tên, Enter để lưu)')
    : canReply ? (phone ? 'Nhập tin nhắn…' : 'Nhập tin nhắn… (Enter để gửi, Shift+Enter xuống dòng)') : 'Bạn không thể trả lời cuộc trò chuyện này';
  // A "{variable}" that could not be filled is never sent to the visitor.
  const unfilled = noteMode ? [] : unfilledVariables(text);

  const track = (el) => setCaret(el.selectionStart ?? el.value.length);
  const change = (value, el) => {
    setText(value);
    const pos = el.selectionStart ?? value.length;
    setCaret(pos);
    const q = findSlashQuery(value, pos);
    if (q && !findSlashQuery(text, caret)) canned.refresh(); // picker opening: get fresh replies
    if (dismissed && (!q || dismissed !== `${q.start}:${q.query}`)) setDismissed(null);
    setActive(0);
    if (!noteMode) onTyping?.(value);
  };
  const pickMention = (a) => {
    if (!mention) return;
    const insert = `@${a.name} `;
    const next = text.slice(0, mention.start) + insert + text.slice(caret);
    const pos = mention.start + insert.length;
    setText(next);
    setCaret(pos);
    setActive(0);
    placeCaret.current = pos;
  };
  const pick = (r) => {
    if (!slash) return;
    const next = insertCanned(text, slash.start, caret, fillCannedVariables(r.text, cannedValues).text);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    onTyping?.(next.text);
    placeCaret.current = next.caret;
  };

  const submit = (e) => {
    e?.preventDefault();
    const t = text.trim();
    if (!t || !enabled || saving) return;
    if (!noteMode && unfilled.length) {
      inputRef.current?.focus();
      return;
    }
    if (noteMode) {
      setSaving(true);
      setNoteError(null);
      Promise.resolve(onNote?.(t))
        .then(() => {
          setText('');
          setCaret(0);
        }, (err) => setNoteError(err?.message || 'Chưa lưu được ghi chú.'))
        .finally(() => setSaving(false));
      return;
    }
    onSend(t);
    setText('');
    setCaret(0);
    onStopTyping?.();
  };
  return (
    <form onSubmit={submit} noValidate className="border-t border-slate-200 bg-white p-3" data-testid="composer">
      {!canReply && !noteMode && (
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
      {noteMode && (
        <div className="mb-2 flex items-center justify-between gap-2 text-xs text-amber-800" data-testid="note-hint">
          <span>Ghi chú nội bộ — chỉ nhân viên thấy, khách không bao giờ nhận được. Gõ @ để nhắc đồng nghiệp.</span>
          {noteError && <span className="text-red-700" data-testid="note-error">{noteError}</span>}
        </div>
      )}
      <div className="relative flex items-end gap-2">
        {mentionOpen && (
          <ul id="mention-listbox" role="listbox" aria-label="Nhắc đến nhân viên" className="absolute bottom-full left-0 z-20 mb-1 w-64 overflow-hidden rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200" data-testid="mention-picker">
            {mentionMatches.map((a, i) => (
              <li
                key={a.id}
                id={`mention-option-${i}`}
                role="option"
                aria-selected={i === mentionIndex}
                data-testid="mention-option"
                data-agent-id={a.id}
                className={`cursor-pointer px-3 py-1.5 ${i === mentionIndex ? 'bg-amber-100 text-amber-950' : 'text-slate-800'}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pickMention(a);
                }}
                onMouseEnter={() => setActive(i)}
              >
                {a.name}
              </li>
            ))}
          </ul>
        )}
        <button
          type="button"
          aria-pressed={noteMode}
          onClick={() => {
            setNoteMode((m) => !m);
            setNoteError(null);
            if (!noteMode) onStopTyping?.();
          }}
          className={`mb-1 shrink-0 rounded-md px-2 py-1.5 text-xs font-semibold ring-1 ring-inset ${noteMode ? 'bg-amber-100 text-amber-900 ring-amber-300' : 'text-slate-700 ring-slate-300 hover:bg-slate-100'}`}
          title="Ghi chú nội bộ: chỉ nhân viên thấy"
          data-testid="note-toggle"
        >
          Ghi chú
        </button>
        {pickerOpen && (
          <CannedPicker items={matches} total={canned.loaded ? canned.items.length : null} active={activeIndex} onPick={pick} onHover={setActive} query={slash.query} values={cannedValues} />
        )}
        {!noteMode && attachButton}
        <textarea
          ref={inputRef}
          aria-label={noteMode ? 'Nội dung ghi chú nội bộ' : 'Nội dung tin nhắn'}
          data-testid="composer-input"
          data-mode={noteMode ? 'note' : 'reply'}
          rows={2}
          maxLength={MAX_TEXT_CHARS}
          disabled={!enabled}
          value={text}
          placeholder={placeholder}
          aria-autocomplete="list"
          aria-invalid={unfilled.length > 0 || undefined}
          aria-describedby={unfilled.length ? 'composer-unfilled' : undefined}
          aria-controls={mentionOpen ? 'mention-listbox' : pickerOpen ? 'canned-listbox' : undefined}
          aria-activedescendant={mentionOpen ? `mention-option-${mentionIndex}` : pickerOpen && matches.length ? `canned-option-${activeIndex}` : undefined}
          onChange={(e) => change(e.target.value, e.target)}
          onSelect={(e) => track(e.target)}
          onClick={(e) => track(e.target)}
          onBlur={() => {
            if (pickerOpen) setDismissed(`${slash.start}:${slash.query}`);
            if (mentionOpen) setDismissed(`@${mention.start}:${mention.query}`);
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
            if (mentionOpen) {
              if (e.key === 'Escape') {
                e.preventDefault();
                setDismissed(`@${mention.start}:${mention.query}`);
                return;
              }
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const n = mentionMatches.length;
                setActive((mentionIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
                return;
              }
              if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
                e.preventDefault();
                pickMention(mentionMatches[mentionIndex]);
                return;
              }
            }
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
          className={`block max-h-40 min-h-[2.75rem] flex-1 resize-y rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset placeholder:text-slate-500 focus:ring-2 disabled:cursor-not-allowed disabled:bg-slate-100 ${noteMode ? 'bg-amber-50 ring-amber-300 focus:ring-amber-500' : 'ring-slate-300 focus:ring-blue-600'}`}
        />
        <Button type="submit" disabled={!enabled || !text.trim() || saving || unfilled.length > 0} data-testid="send-button">
          {noteMode ? 'Lưu ghi chú' : 'Gửi'}
        </Button>
      </div>
      {unfilled.length > 0 && (
        <p id="composer-unfilled" role="alert" className="mt-2 text-xs text-red-700" data-testid="canned-unfilled">
          Chưa điền được {unfilled.map((n) => `{${n}}`).join(', ')}: hãy sửa thành nội dung thật trước khi gửi (khách không bao giờ nhận được biến chưa điền).
        </p>
      )}
    </form>
  );
}
