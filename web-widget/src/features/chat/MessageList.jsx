import { useEffect, useLayoutEffect, useRef } from 'react';
import { Avatar } from '../../ui/Avatar.jsx';
import { formatTime } from '../../lib/format.js';
import { linkify } from '../../lib/links.js';
import { t } from '../../i18n/index.js';
import { AlertIcon } from '../../ui/icons.jsx';
import { ImageAttachment, FileAttachment, Upload } from '../attachments/index.js';

const GROUP_MS = 5 * 60 * 1000;

function senderKey(m) {
  if (m.local || m.senderType === 'visitor') return 'visitor';
  if (m.senderType === 'system') return 'system';
  return 'agent:' + (m.senderId || m.senderName || '');
}

function sameGroup(a, b) {
  if (!a || !b) return false;
  if (senderKey(a) !== senderKey(b) || senderKey(a) === 'system') return false;
  return Math.abs(new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime()) < GROUP_MS;
}

/** A system notice in the visitor's voice and language (its text is written for agents). */
function noticeText(m) {
  const n = m.notice;
  const s = n && t('n_' + n.code, { name: n.name, n: n.stars });
  return s && s !== 'n_' + n.code ? s : m.text;
}

/** Message text with its links (http(s) and www. only) as new-tab links; never HTML. */
function Text({ text }) {
  return linkify(text).map((p, i) => (typeof p === 'string' ? p : (
    <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow" className="underline underline-offset-2" data-testid="link">{p.text}</a>
  )));
}

/**
 * The transcript. Messages are grouped by sender; the first of a group shows
 * the agent's name, the last shows avatar and time; "Đã xem" under the
 * visitor's last message the owning agent has read. New messages are
 * announced through the aria-live log.
 */
export function MessageList({ items, visitorName, typing, client, readSeq, photo, children }) {
  const ref = useRef(null);
  const stick = useRef(true);
  const count = items.length;
  let seen = null; // the visitor's last stored message, when read
  for (const m of items) if (!m.local && m.senderType === 'visitor') seen = m;
  if (seen && !(readSeq >= seen.seq)) seen = null;

  // Keep the view pinned to the newest message unless the visitor scrolled up.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count, typing, children]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const onScroll = () => {
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  return (
    // The log is the scroller, the messages inside it a list (role="log" on the
    // <ol> itself would leave its <li> outside any list).
    <div ref={ref} role="log" aria-live="polite" aria-relevant="additions" aria-label={t('messages')} className="flex-1 min-h-0 overflow-y-auto cd-scroll cd-safe-x bg-gray-50 px-3 py-3">
      <ol className="m-0 p-0 list-none" data-testid="messages">
        {items.map((m, i) => {
          const prev = items[i - 1];
          const next = items[i + 1];
          const key = m.id || 'local-' + m.clientId;
          if (m.senderType === 'system') {
            return (
              <li key={key} className="my-3 flex justify-center" data-testid="system-message">
                <span className="max-w-[85%] rounded-full bg-gray-200/80 px-3 py-1 text-center text-xs text-gray-700">
                  {noticeText(m)}
                </span>
              </li>
            );
          }
          const mine = m.local || m.senderType === 'visitor';
          const bot = m.senderType === 'bot';
          const first = !sameGroup(prev, m);
          const last = !sameGroup(m, next);
          const a = m.attachment;
          const failed = m.local && m.status === 'failed';
          return (
            <li
              key={key}
              className={`flex items-end gap-2 ${mine ? 'flex-row-reverse' : ''} ${first ? 'mt-3' : 'mt-1'}`}
              data-testid={mine ? 'visitor-message' : bot ? 'bot-message' : 'agent-message'}
              data-status={m.local ? m.status : 'sent'}
              data-kind={m.kind || 'text'}
            >
              {last ? <Avatar kind={mine ? 'visitor' : bot ? 'bot' : 'agent'} name={mine ? visitorName : m.senderName} src={!mine && photo && photo.id === m.senderId ? photo.src : ''} /> : <span aria-hidden="true" className="w-7 shrink-0" />}
              <div className={`flex min-w-0 max-w-[78%] flex-col ${mine ? 'items-end' : 'items-start'}`}>
                {!mine && first && (m.senderName || bot) && (
                  <span className="mb-0.5 ml-1 flex items-center gap-1.5 text-xs font-medium text-gray-600" data-testid="agent-name">
                    {m.senderName !== t('bot') && m.senderName}
                    {bot && <span className="rounded bg-primary-soft px-1.5 text-[11px] font-semibold text-primary-strong" data-testid="bot-badge">{t('bot')}</span>}
                  </span>
                )}
                <span className="sr-only">{(mine ? t('you') : m.senderName || t(bot ? 'bot' : 'agent')) + ': '}</span>
                <div
                  data-testid="bubble"
                  className={
                    'max-w-full whitespace-pre-wrap [overflow-wrap:anywhere] rounded-2xl px-3 py-2 text-sm leading-snug ' +
                    (mine
                      ? `bg-primary text-on-primary ${last ? 'rounded-br-md' : ''} ${m.local && m.status === 'pending' ? 'opacity-70' : ''}`
                      : `bg-white text-gray-900 ring-1 ring-gray-200 ${last ? 'rounded-bl-md' : ''}`) +
                    (failed ? ' ring-2 ring-red-500' : '')
                  }
                >
                  {m.local && m.file ? <Upload m={m} /> : a && m.kind === 'image' ? <ImageAttachment client={client} a={a} /> : a && <FileAttachment client={client} a={a} />}
                  {a && m.text ? <span className="mt-1.5 block"><Text text={m.text} /></span> : m.text && <Text text={m.text} />}
                </div>
                {m.local && m.status === 'pending' && (
                  <span className="mt-0.5 mr-1 text-[11px] text-gray-600" data-testid="pending">{t('pending')}</span>
                )}
                {failed && (
                  <span className="mt-1 mr-1 flex items-center gap-1.5 text-xs text-red-700" data-testid="failed">
                    <AlertIcon className="w-3.5 h-3.5 shrink-0" />
                    <span>{m.error || t('sendFailed')}</span>
                    {!m.permanent && <button type="button" onClick={() => client.retry(m.clientId)} className={LINK} data-testid="retry">{t('retry')}</button>}
                    <button type="button" onClick={() => client.dismiss(m.clientId)} className={LINK} data-testid="dismiss">{t('dismiss')}</button>
                  </span>
                )}
                {!m.local && last && (
                  <time dateTime={m.createdAt} className={`mt-0.5 text-[11px] text-gray-600 ${mine ? 'mr-1' : 'ml-1'}`}>
                    {formatTime(m.createdAt)}
                    {m === seen && <span data-testid="seen">{' · ' + t('seen')}</span>}
                  </time>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {children}
    </div>
  );
}

const LINK = 'whitespace-nowrap rounded border-0 bg-transparent p-0 font-semibold text-red-800 underline underline-offset-2';
