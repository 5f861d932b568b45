import { useEffect, useRef } from 'react';
import { MessageList } from './MessageList.jsx';
import { TypingIndicator } from './TypingIndicator.jsx';
import { Composer } from './Composer.jsx';
import { MailTranscript } from './MailTranscript.jsx';
import { AlertIcon } from '../../ui/icons.jsx';
import { formatOpening, formatPhone } from '../../lib/format.js';
import { LEFT } from '../../lib/protocol.js';
import { t, lang } from '../../i18n/index.js';
import { Rating } from '../rating/index.js';
import { Handoff } from '../bot/index.js';

/**
 * While the conversation waits for an agent: where it stands in the queue
 * and, while someone can answer, the usual wait (queue.position), live.
 */
function Waiting({ queue, online }) {
  const pos = queue && queue.position;
  const mins = online && queue && queue.waitSeconds > 0 ? Math.max(1, Math.round(queue.waitSeconds / 60)) : 0;
  return (
    <p role="status" className="m-0 border-b border-amber-200 bg-amber-50 px-4 py-2 text-[13px] text-amber-900 shrink-0" data-testid="waiting">
      {t('waiting')}
      {pos > 0 && <span data-testid="queue-position">{' ' + t('position', { n: pos })}</span>}
      {mins > 0 && <span data-testid="typical-wait">{' ' + t('typicalWait', { n: mins })}</span>}
    </p>
  );
}

/** After a message left while nobody could answer: how and when we call back. */
function LeftMessage({ conv, cfg }) {
  const phone = formatPhone(conv.visitor && conv.visitor.phone);
  const at = conv.leftMessage === LEFT.OUTSIDE_HOURS && cfg.nextOpen && formatOpening(cfg.nextOpen, lang);
  return (
    <div role="status" className="mx-auto mt-4 max-w-[300px] rounded-2xl bg-white p-4 text-center text-sm text-gray-800 ring-1 ring-gray-200" data-testid="left-confirmation">
      <p className="m-0 font-semibold">{t('leftThanks')}</p>
      {phone && <p className="m-0 mt-1">{at ? t('leftAt', { phone, time: at }) : t('leftSoon', { phone })}</p>}
    </div>
  );
}

/**
 * The conversation: where it stands while it waits, transcript, typing
 * indicator, notices (rate limit) and the composer.
 * @param {{snap: import('../../lib/connection/client.js').Snapshot, client: import('../../lib/connection/client.js').ChatClient, visible: boolean, cfg: any}} props
 */
export function ChatView({ snap, client, visible, cfg }) {
  const composer = useRef(null);

  useEffect(() => {
    if (visible && composer.current) composer.current.focus({ preventScroll: true });
  }, [visible]);

  // Everything on screen while the panel is open and the tab visible is read.
  useEffect(() => {
    if (visible && snap.loaded && !document.hidden) client.markRead();
  }, [visible, snap.items.length, snap.loaded, client]);

  const conv = snap.conversation;
  const visitorName = (conv && conv.visitor && conv.visitor.name) || '';
  const waiting = conv && conv.status === 'waiting';
  const onFiles = (files) => {
    for (const f of files || []) client.sendFile(f);
  };

  // Files dropped anywhere on the conversation are sent (display: contents
  // keeps the layout; the events bubble up from the children).
  return (
    <div
      className="contents"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        onFiles(e.dataTransfer && e.dataTransfer.files);
      }}
    >
      {waiting && snap.loaded && <Waiting queue={snap.queue} online={snap.supportOnline} />}
      <MessageList items={snap.items} visitorName={visitorName} typing={!!snap.typing} client={client} readSeq={conv && conv.agentReadSeq} photo={conv && conv.assigneeAvatarUrl && { id: conv.assigneeId, src: client.server + conv.assigneeAvatarUrl }}>
        {waiting && conv.leftMessage && <LeftMessage conv={conv} cfg={cfg} />}
        {snap.typing && <TypingIndicator name={snap.typing.name} />}
        {conv && conv.status === 'resolved' && <Rating conv={conv} client={client} />}
        {conv && cfg.emailTranscript && <MailTranscript conv={conv} client={client} />}
      </MessageList>
      <Handoff items={snap.items} conv={conv} client={client} />
      {snap.notice && (
        <p role="alert" className="m-0 flex items-start gap-2 border-t border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 shrink-0" data-testid="notice">
          <AlertIcon className="mt-0.5 w-4 h-4 shrink-0" />
          <span>{snap.notice.message}</span>
        </p>
      )}
      <Composer
        innerRef={composer}
        onSend={(text) => !!client.send(text)}
        onTyping={(on) => client.setTyping(on)}
        onFiles={onFiles}
      />
    </div>
  );
}
