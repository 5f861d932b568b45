import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Avatar, Badge } from '../../../components/ui/index.jsx';
import { STATUS_LABELS } from '../../../lib/format/index.js';
import { ERROR_CODE } from '../../../lib/api-client/index.js';
import { useRealtime } from '../../../lib/realtime/react.js';
import { UPLOAD } from '../../../lib/realtime/protocol.js';
import { useConversation } from '../hooks/useConversation.js';
import { useTypingSender } from '../hooks/useTypingSender.js';
import { getConversation } from '../api/conversation.js';
import { claimConversation, reopenConversation, transferConversation } from '../api/assignment.js';
import { usePendingResolves } from '../pending-resolve.js';
import { pendingResolves } from './PendingResolveBar.jsx';
import { MessageList } from './MessageList.jsx';
import { VisitorPanel } from './VisitorPanel.jsx';
import { ContactPanel } from './ContactPanel.jsx';
import { OwnerBanner } from './OwnerBanner.jsx';
import { Composer } from './Composer.jsx';
import { ConversationActions } from './ConversationActions.jsx';
import { TriagePanel } from './TriagePanel.jsx';
import { useUploads } from '../hooks/useUploads.js';
import { useNotes } from '../hooks/useNotes.js';
import { useTakeover } from '../hooks/useTakeover.js';
import { acceptTakeover, cancelTakeover, declineTakeover, forceTakeover, requestTakeover } from '../api/takeover.js';
import { TakeoverBar } from './TakeoverBar.jsx';
import { PriorityBadge, Stars, TagList } from '../../../components/ui/support.jsx';
import { BlockVisitor } from '../../abuse/index.js';
import { cannedValues } from '../../canned/index.js';

export function ConversationView() {
  const { conversationId } = useParams();
  return <ConversationScreen key={conversationId} id={conversationId} />;
}

function ConversationScreen({ id }) {
  const client = useRealtime();
  const { conversation, livePage, thread, loading, error, visitorTyping, send, retry, discard, addMessage, me, agents, upsertConversation } = useConversation(id);
  const uploads = useUploads(id, addMessage);
  const { notes, addNote } = useNotes(id);
  const takeover = useTakeover(id, me.id);
  const agentList = Object.values(agents || {}); // inbox state: id → agent
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const fileInput = useRef(null);
  const [busy, setBusy] = useState(false);
  const resolving = usePendingResolves(pendingResolves).some((x) => x.id === id);
  const [actionError, setActionError] = useState(null);
  const [showInfo, setShowInfo] = useState(false);
  const infoToggle = useRef(null);
  const infoClose = useRef(null);
  // On a phone the panel covers the conversation: focus goes into it and,
  // when it closes, back to the button that opened it (offsetParent is
  // null when the "back" bar is hidden, i.e. from 640 px up).
  useEffect(() => {
    if (showInfo && infoClose.current?.offsetParent) infoClose.current.focus();
  }, [showInfo]);
  const closeInfo = () => {
    setShowInfo(false);
    infoToggle.current?.focus();
  };

  // A refusal stays until it is moot: I become the owner, or it is resolved/reopened.
  const stateKey = conversation ? `${conversation.assigneeId === me.id}|${conversation.status === 'resolved'}` : '';
  const [errorKey, setErrorKey] = useState(stateKey);
  if (errorKey !== stateKey) {
    setErrorKey(stateKey);
    if (actionError && errorKey) setActionError(null);
  }

  const canReply = !!conversation && conversation.status !== 'resolved' && conversation.assigneeId === me.id;
  const typing = useTypingSender(client, id, canReply);

  const run = async (fn) => {
    setBusy(true);
    setActionError(null);
    try {
      const res = await fn();
      if (res?.conversation) upsertConversation(res.conversation, true);
      return true;
    } catch (err) {
      setActionError(err.message);
      // lost a race (someone else claimed / changed it): show the current state
      if (err.code === ERROR_CODE.ALREADY_ASSIGNED || err.code === ERROR_CODE.CONFLICT || err.code === ERROR_CODE.NOT_ASSIGNED) {
        getConversation(id).then((res) => res?.conversation && upsertConversation(res.conversation, true), () => {});
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (error && !conversation) {
    return (
      <div className="p-6">
        <Alert>{error.code === ERROR_CODE.NOT_FOUND ? 'Không tìm thấy cuộc trò chuyện.' : error.message}</Alert>
      </div>
    );
  }
  if (!conversation) {
    return <div className="flex flex-1 items-center justify-center text-sm text-slate-600">Đang tải…</div>;
  }

  const owner = conversation.assigneeName;
  let reason = '';
  if (conversation.status === 'resolved') reason = 'Cuộc trò chuyện đã kết thúc. Mở lại để tiếp tục trả lời.';
  else if (!conversation.assigneeId) reason = 'Chưa có ai phụ trách. Nhận cuộc trò chuyện để trả lời.';
  else if (!canReply) reason = `Chỉ ${owner} mới có thể trả lời cuộc trò chuyện này`;

  const claim = () => run(() => claimConversation(id));
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  const dropProps = canReply
    ? {
        onDragEnter: (e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          dragDepth.current += 1;
          setDragging(true);
        },
        onDragOver: (e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        },
        onDragLeave: () => {
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDragging(false);
        },
        onDrop: (e) => {
          e.preventDefault();
          dragDepth.current = 0;
          setDragging(false);
          const files = [...(e.dataTransfer?.files || [])];
          if (files.length) uploads.add(files);
        },
      }
    : {
        // not the owner: never let the browser open a dropped file in place of the app
        onDragOver: (e) => {
          if (hasFiles(e)) e.preventDefault();
        },
        onDrop: (e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          setActionError(reason || 'Bạn không thể gửi tệp trong cuộc trò chuyện này.');
        },
      };
  const attachButton = canReply ? (
    <>
      <input
        ref={fileInput}
        type="file"
        accept={UPLOAD.ACCEPT}
        multiple
        className="hidden"
        data-testid="attach-input"
        aria-label="Chọn tệp đính kèm"
        onChange={(e) => {
          const files = [...(e.target.files || [])];
          e.target.value = '';
          if (files.length) uploads.add(files);
        }}
      />
      <button
        type="button"
        onClick={() => fileInput.current?.click()}
        className="mb-1 rounded-md p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-800"
        aria-label="Đính kèm tệp"
        title="Đính kèm tệp (ảnh, PDF, Office, ZIP, văn bản) — có thể kéo thả hoặc dán ảnh"
        data-testid="attach-button"
      >
        <svg viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true"><path d="M14.5 9.5l-5.3 5.3a3.2 3.2 0 01-4.5-4.5l6-6a2.1 2.1 0 013 3l-6 6a1.1 1.1 0 01-1.5-1.5l5.3-5.3" strokeLinecap="round" strokeLinejoin="round" /></svg>
      </button>
    </>
  ) : null;
  const v = conversation.visitor || {};

  return (
    <div className="relative flex min-h-0 flex-1" data-testid="conversation-view" data-conversation-id={id}>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-2.5">
          <div className="flex min-w-0 items-center gap-3">
            <Link to="/inbox" className="text-slate-600 hover:text-slate-800 md:hidden" aria-label="Quay lại">←</Link>
            <Avatar name={v.name || 'Khách'} colorKey={conversation.id} />
            <div className="min-w-0">
              <div className="flex items-center gap-2">
                <h2 className="truncate text-base font-semibold text-slate-900" data-testid="visitor-name">{v.name || 'Khách'}</h2>
                {/* The name gives way (truncated), not the status: on a phone it broke onto two lines. */}
                <Badge tone={conversation.status} className="shrink-0 whitespace-nowrap">{STATUS_LABELS[conversation.status]}</Badge>
                <PriorityBadge priority={conversation.priority} />
                {conversation.rating && <Stars stars={conversation.rating.stars} />}
              </div>
              <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600"><span>{v.phone}</span><TagList tags={conversation.tags} /></p>
            </div>
          </div>
          <div className="flex items-center gap-2">
            <ConversationActions
              conversation={conversation}
              me={me}
              agents={agents}
              busy={busy || resolving}
              takeoverPending={!!takeover.takeover}
              onClaim={claim}
              onRequestTakeover={() => run(async () => {
                const res = await requestTakeover(id);
                if (res?.takeover) takeover.setPending({ takeover: res.takeover, deadlineMs: Date.now() + Math.max(0, Date.parse(res.takeover.deadline) - Date.parse(res.takeover.createdAt)) });
                return res;
              })}
              onForceTakeover={() => run(() => forceTakeover(id))}
              onTransfer={(agentId) => run(() => transferConversation(id, agentId))}
              onResolve={() => pendingResolves.schedule(id, v.name)}
              onReopen={() => run(() => reopenConversation(id))}
            />
            <button type="button" className="rounded p-1.5 text-slate-600 hover:bg-slate-100 xl:hidden" ref={infoToggle} onClick={() => setShowInfo((s) => !s)} aria-label="Thông tin khách" aria-expanded={showInfo} aria-controls="conversation-info" data-testid="info-toggle">
              <svg viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor"><path d="M10 2a8 8 0 100 16 8 8 0 000-16zm1 12H9V9h2v5zm0-7H9V5h2v2z" /></svg>
            </button>
          </div>
        </header>
        <OwnerBanner conversation={conversation} meId={me.id} />
        <TakeoverBar
          takeover={conversation.status === 'resolved' ? null : takeover.takeover}
          secondsLeft={takeover.secondsLeft}
          ended={takeover.ended}
          ownerName={owner}
          isOwner={conversation.assigneeId === me.id}
          meId={me.id}
          busy={busy}
          onAccept={() => run(() => acceptTakeover(id))}
          onDecline={() => run(() => declineTakeover(id))}
          onCancel={() => run(() => cancelTakeover(id))}
        />
        {conversation.handoffAt && !conversation.assigneeId && conversation.status !== 'resolved' && (
          <div className="border-b border-rose-200 bg-rose-50 px-4 py-1.5 text-sm font-medium text-rose-800" data-testid="handoff-banner">
            Khách muốn gặp nhân viên hỗ trợ — trợ lý ảo đã dừng trả lời.
          </div>
        )}
        {actionError && (
          <div className="px-4 pt-2">
            <Alert className="flex items-start justify-between gap-2">
              <span data-testid="action-error">{actionError}</span>
              <button type="button" onClick={() => setActionError(null)} className="text-red-700 hover:text-red-900" aria-label="Đóng thông báo">×</button>
            </Alert>
          </div>
        )}
        <MessageList
          messages={thread.messages}
          notes={notes}
          agents={agentList}
          pending={thread.pending}
          meId={me.id}
          meName={me.name}
          typing={visitorTyping}
          readSeq={conversation.visitorReadSeq}
          loading={loading}
          onRetry={retry}
          onDiscard={discard}
          uploads={uploads.uploads}
          onRetryUpload={uploads.retry}
          onDiscardUpload={uploads.discard}
          dropProps={dropProps}
          dragging={dragging}
        />
        <Composer
          canReply={canReply}
          reason={reason}
          onSend={(text) => {
            typing.stop();
            send(text);
          }}
          onNote={addNote}
          agents={agentList}
          cannedValues={cannedValues(conversation, me.name)}
          onTyping={typing.onInput}
          onStopTyping={typing.stop}
          onClaim={!conversation.assigneeId && conversation.status !== 'resolved' ? claim : null}
          attachButton={attachButton}
          onPasteFiles={canReply ? uploads.add : undefined}
          claiming={busy}
        />
      </div>
      {/* Below 640 px a 288 px column would leave the conversation ~100 px:
          there the panel covers the conversation, with its own way back. */}
      <aside
        id="conversation-info"
        className={`${showInfo ? 'block' : 'hidden'} absolute inset-0 z-20 w-full overflow-y-auto bg-white sm:static sm:z-auto sm:w-72 sm:shrink-0 sm:border-l sm:border-slate-200 xl:block`}
        data-testid="conversation-info"
      >
        <div className="sticky top-0 z-10 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2 sm:hidden">
          <h2 className="text-sm font-semibold text-slate-900">Thông tin khách</h2>
          <button type="button" ref={infoClose} onClick={closeInfo} className="rounded-md px-3 py-2 text-sm font-medium text-blue-700 hover:bg-slate-100" data-testid="info-close">
            Quay lại cuộc trò chuyện
          </button>
        </div>
        <div className="border-b border-slate-200 p-4">
          <TriagePanel conversation={conversation} onUpdated={(c) => upsertConversation(c, true)} />
        </div>
        <VisitorPanel conversation={conversation} livePage={livePage} />
        <ContactPanel key={conversation.id} conversation={conversation} />
        <BlockVisitor key={conversation.id} conversation={conversation} />
      </aside>
    </div>
  );
}

export default ConversationView;
