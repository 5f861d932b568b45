import { useEffect, useRef, useState } from 'react';
import { CloseIcon, ChatIcon, SpinnerIcon } from '../../ui/icons.jsx';
import { initials } from '../../lib/format.js';
import { t, lang } from '../../i18n/index.js';

/**
 * Keeps the full-screen mobile panel above the on-screen keyboard: the
 * visual viewport shrinks when the keyboard opens, so the panel follows
 * its height and offset (dvh alone does not track the keyboard).
 */
function useVisualViewport(ref, active) {
  useEffect(() => {
    const vv = window.visualViewport;
    const el = ref.current;
    if (!active || !vv || !el) return undefined;
    const update = () => {
      if (window.innerWidth >= 480) {
        el.style.removeProperty('--cd-vv-height');
        el.style.removeProperty('--cd-vv-top');
        return;
      }
      el.style.setProperty('--cd-vv-height', vv.height + 'px');
      el.style.setProperty('--cd-vv-top', vv.offsetTop + 'px');
    };
    update();
    vv.addEventListener('resize', update);
    vv.addEventListener('scroll', update);
    return () => {
      vv.removeEventListener('resize', update);
      vv.removeEventListener('scroll', update);
    };
  }, [ref, active]);
}

const FOCUSABLE = 'button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[href],[tabindex]:not([tabindex="-1"])';

/** Full screen on a phone the page behind is hidden: keep Tab inside the panel. */
function trapFocus(e, panel) {
  if (!panel) return;
  const items = [...panel.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  const active = panel.getRootNode().activeElement;
  if (e.shiftKey && active === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * The chat window: header with title and status — who can answer
 * ("Đang trực tuyến", offline, outside office hours, the replying agent),
 * or the widget's own connection ("Đang kết nối lại…": never "Đang trực
 * tuyến" while the widget itself is offline) — then the pre-chat form or
 * the conversation.
 * @param {{status: ''|'online'|'offline'|'closed'|'connecting'|'reconnecting'}} props
 */
export function Panel({ id, title, status, agentName, agentPhoto, note, onClose, children, panelRef }) {
  const local = useRef(null);
  const ref = panelRef || local;
  useVisualViewport(ref, true);
  // A photo that fails to load (the agent's replaced, deleted one): initials.
  const [brokenPhoto, setBrokenPhoto] = useState('');
  const online = status === 'online';
  const linking = status === 'connecting' || status === 'reconnecting';
  return (
    <section
      ref={ref}
      id={id}
      lang={lang}
      role="dialog"
      aria-modal="false"
      aria-labelledby={id + '-title'}
      className="cd-panel z-20 flex flex-col bg-white rounded-2xl shadow-2xl shadow-black/25 ring-1 ring-black/5 mobile:rounded-none mobile:shadow-none mobile:ring-0"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        } else if (e.key === 'Tab' && window.innerWidth < 480) {
          trapFocus(e, ref.current);
        }
      }}
      data-testid="panel"
    >
      <header className="cd-safe-top cd-safe-x flex items-center gap-3 px-4 py-3 bg-primary text-on-primary shrink-0">
        <span aria-hidden="true" className="relative w-9 h-9 shrink-0 rounded-full bg-white/20 inline-flex items-center justify-center text-sm font-semibold">
          {agentPhoto && agentPhoto !== brokenPhoto ? <img src={agentPhoto} alt="" className="w-full h-full rounded-full object-cover" onError={() => setBrokenPhoto(agentPhoto)} /> : agentName ? initials(agentName) : <ChatIcon className="w-5 h-5" />}
          <span className={`absolute -bottom-0.5 -right-0.5 w-3 h-3 rounded-full ring-2 ring-primary ${online ? 'bg-green-400' : linking ? 'bg-amber-400' : 'bg-gray-300'}`} />
        </span>
        <div className="min-w-0 flex-1">
          <h2 id={id + '-title'} className="text-base font-semibold leading-tight truncate m-0">{title}</h2>
          {status && (
            <p role="status" className="text-[13px] leading-snug mt-0.5 flex items-center gap-1.5 min-w-0" data-testid="status">
              {linking && <SpinnerIcon className="w-3.5 h-3.5 shrink-0" />}
              <span className="truncate" data-testid={linking ? 'reconnecting' : undefined}>
                {t(status)}
                {online && (agentName ? <span data-testid="agent-replying">{' · ' + t('replying', { name: agentName })}</span> : note && ' · ' + note)}
              </span>
            </p>
          )}
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label={t('close')}
          className="shrink-0 w-9 h-9 -mr-1.5 inline-flex items-center justify-center rounded-full text-on-primary bg-transparent border-0 hover:bg-black/10"
          data-testid="close"
        >
          <CloseIcon />
        </button>
      </header>
      {children}
    </section>
  );
}
