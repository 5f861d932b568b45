import { useRef, useState } from 'react';
import { SendIcon, ClipIcon } from '../../ui/icons.jsx';
import { MAX_TEXT_CHARS, UPLOAD } from '../../lib/protocol.js';
import { t } from '../../i18n/index.js';

/**
 * Message input: Enter sends, Shift+Enter adds a line. Reports typing.
 * Files come from the paperclip (hidden file input) or a paste.
 */
export function Composer({ onSend, onTyping, onFiles, innerRef }) {
  const [text, setText] = useState('');
  const local = useRef(null);
  const picker = useRef(null);
  const input = innerRef || local;

  const resize = (el) => {
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 120) + 'px';
  };

  const submit = () => {
    const t = text.trim();
    if (!t) return;
    if (onSend(t)) {
      setText('');
      if (input.current) {
        input.current.value = '';
        resize(input.current);
        input.current.focus();
      }
    }
  };

  return (
    <form
      className="cd-safe-bottom cd-safe-x flex items-end gap-2 border-t border-gray-200 bg-white px-3 py-2.5 shrink-0"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <input
        ref={picker}
        type="file"
        accept={UPLOAD.ACCEPT}
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          onFiles(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
        data-testid="file-input"
      />
      <button
        type="button"
        aria-label={t('attach')}
        title={t('attach')}
        onClick={() => picker.current.click()}
        className="inline-flex h-10 w-8 shrink-0 items-center justify-center rounded-full border-0 bg-transparent text-gray-600 hover:text-gray-900"
        data-testid="attach"
      >
        <ClipIcon />
      </button>
      <label htmlFor="cd-composer" className="sr-only">{t('input')}</label>
      <textarea
        ref={input}
        id="cd-composer"
        rows={1}
        maxLength={MAX_TEXT_CHARS}
        placeholder={t('placeholder')}
        className="block max-h-[120px] min-h-[40px] flex-1 resize-none rounded-2xl border border-gray-300 bg-gray-50 px-3.5 py-2 text-base leading-snug text-gray-900 placeholder:text-gray-500 focus:border-primary focus:bg-white focus:outline-none focus:ring-2 focus:ring-primary"
        value={text}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          resize(e.currentTarget);
          onTyping(v.trim().length > 0);
        }}
        onPaste={(e) => {
          const f = e.clipboardData && e.clipboardData.files;
          if (f && f.length) {
            e.preventDefault();
            onFiles(f);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        data-testid="composer"
      />
      <button
        type="submit"
        aria-label={t('send')}
        disabled={!text.trim()}
        className="inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full border-0 bg-primary text-on-primary disabled:opacity-50"
        data-testid="send"
      >
        <SendIcon />
      </button>
    </form>
  );
}
