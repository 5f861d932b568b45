import { CloseIcon } from '../../ui/icons.jsx';
import { t } from '../../i18n/index.js';

/**
 * The latest answer (or a proactive greeting) beside the closed widget's
 * launcher, announced politely: a click opens the chat, the × hides it.
 */
export function Preview({ m, onOpen, onHide }) {
  const name = m.senderName || t(m.senderType === 'bot' ? 'bot' : 'agent');
  return (
    <div className="cd-preview z-10 flex items-start gap-1 rounded-2xl bg-white p-1 shadow-lg shadow-black/20 ring-1 ring-black/5" aria-live="polite" data-testid="preview">
      <button type="button" onClick={onOpen} aria-label={t('preview', { name })} className="min-w-0 flex-1 rounded-xl border-0 bg-transparent px-2.5 py-1.5 text-left text-sm text-gray-900">
        <span className="block text-xs font-semibold text-gray-600">{name}</span>
        <span className="cd-clamp [overflow-wrap:anywhere]" data-testid="preview-text">{m.text || (m.attachment && m.attachment.name)}</span>
      </button>
      <button type="button" onClick={onHide} aria-label={t('hidePreview')} className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-full border-0 bg-transparent text-gray-500 hover:bg-gray-100" data-testid="preview-close">
        <CloseIcon className="w-4 h-4" />
      </button>
    </div>
  );
}
