import { useEffect, useRef } from 'react';
import { MessageList } from './MessageList.jsx';
import { TypingIndicator } from './TypingIndicator.jsx';
import { Composer } from './Composer.jsx';
import { SpinnerIcon, AlertIcon } from '../../ui/icons.jsx';
import { Rating } from '../rating/index.js';
import { Handoff } from '../bot/index.js';

/**
 * The conversation: banner while reconnecting, transcript, typing
 * indicator, notices (rate limit) and the composer.
 * @param {{snap: import('../../lib/connection/client.js').Snapshot, client: import('../../lib/connection/client.js').ChatClient, visible: boolean}} props
 */
export function ChatView({ snap, client, visible }) {
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
  const reconnecting = snap.status === 'reconnecting' || (snap.status === 'connecting' && !snap.loaded);
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
      {reconnecting && (
        <div role="status" className="flex items-center justify-center gap-2 bg-amber-100 px-3 py-1.5 text-[13px] font-medium text-amber-900 shrink-0" data-testid="reconnecting">
          <SpinnerIcon className="w-3.5 h-3.5" />
          {snap.status === 'connecting' ? 'Đang kết nối...' : 'Đang kết nối lại...'}
        </div>
      )}
      <MessageList items={snap.items} visitorName={visitorName} typing={!!snap.typing} client={client}>
        {snap.typing && <TypingIndicator name={snap.typing.name} />}
        {conv && conv.status === 'resolved' && <Rating conv={conv} client={client} />}
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
        onSend={(t) => !!client.send(t)}
        onTyping={(on) => client.setTyping(on)}
        onFiles={onFiles}
      />
    </div>
  );
}
