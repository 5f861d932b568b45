import { ChatIcon, ChevronDownIcon } from '../../ui/icons.jsx';
import { t } from '../../i18n/index.js';

/**
 * The round button at the bottom corner, with the unread badge.
 */
export function Launcher({ open, unread, onClick, panelId, innerRef }) {
  const label = open ? t('close') : unread > 0 ? t('openUnread', { n: unread }) : t('open');
  return (
    <button
      ref={innerRef}
      type="button"
      className="cd-launcher z-10 rounded-full bg-primary text-on-primary shadow-lg shadow-black/20 inline-flex items-center justify-center border-0 p-0"
      aria-label={label}
      aria-expanded={open ? 'true' : 'false'}
      aria-controls={panelId}
      onClick={onClick}
    >
      {open ? <ChevronDownIcon /> : <ChatIcon />}
      {!open && unread > 0 && (
        <span
          aria-hidden="true"
          className="absolute -top-1 -right-1 min-w-[20px] h-5 px-1.5 rounded-full bg-red-600 text-white text-[11px] font-bold leading-5 text-center ring-2 ring-white"
          data-testid="unread-badge"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
