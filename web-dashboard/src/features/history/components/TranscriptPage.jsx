import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, Badge } from '../../../components/ui/index.jsx';
import { STATUS_LABELS, formatDateTime } from '../../../lib/format/index.js';
import { ContactPanel, getConversation, listAllMessages, MessageList, VisitorPanel } from '../../conversation/index.js';
import { useAuth } from '../../auth/index.js';
import { PriorityBadge, RatingBlock, TagList } from '../../../components/ui/support.jsx';

/** Read-only full transcript (GET /api/conversations/:id + every messages page). */
export function TranscriptPage() {
  const { conversationId } = useParams();
  // ?seq=N (a search match): scroll to that message once loaded and outline it.
  const [params] = useSearchParams();
  const focusSeq = params.get('seq');
  const transcriptRef = useRef(null);
  const { agent } = useAuth();
  const [data, setData] = useState({ conversation: null, messages: [], loading: true, error: null });

  useEffect(() => {
    let cancelled = false;
    Promise.all([getConversation(conversationId), listAllMessages(conversationId)])
      .then(([c, messages]) => { if (!cancelled) setData({ conversation: c?.conversation, messages, loading: false, error: null }); })
      .catch((error) => { if (!cancelled) setData({ conversation: null, messages: [], loading: false, error }); });
    return () => { cancelled = true; };
  }, [conversationId]);

  useEffect(() => {
    if (data.loading || !focusSeq || !transcriptRef.current) return;
    const el = transcriptRef.current.querySelector(`[data-seq="${CSS.escape(focusSeq)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.setAttribute('data-focused', 'true');
    el.classList.add('ring-2', 'ring-amber-400', 'rounded-lg');
  }, [data.loading, data.messages, focusSeq]);

  const c = data.conversation;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-3">
        <div className="flex items-center gap-3">
          <Link to=".." relative="path" className="text-sm text-blue-700 hover:underline">← Lịch sử</Link>
          {c && (
            <>
              <h1 className="text-base font-semibold text-slate-900">{c.visitor?.name || 'Khách'}</h1>
              <span className="text-sm text-slate-600">{c.visitor?.phone}</span>
              <Badge tone={c.status}>{STATUS_LABELS[c.status]}</Badge>
              <PriorityBadge priority={c.priority} />
              <TagList tags={c.tags} />
            </>
          )}
        </div>
        {c && (
          <div className="flex items-center gap-3 text-xs text-slate-600">
            <span>Phụ trách: {c.assigneeName || '—'}</span>
            <span>Bắt đầu: {formatDateTime(c.createdAt)}</span>
            {c.status !== 'resolved' && (
              <Link to={`/inbox/${c.id}`} className="rounded-md bg-white px-2.5 py-1 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">Mở trong hộp thư</Link>
            )}
          </div>
        )}
      </header>
      {data.error && <div className="p-4"><Alert>{data.error.message}</Alert></div>}
      <div className="flex min-h-0 flex-1">
        <div ref={transcriptRef} className="flex min-w-0 flex-1 flex-col" data-testid="transcript">
          <MessageList messages={data.messages} meId={agent?.id} loading={data.loading} />
        </div>
        {c && (
          <aside className="hidden w-72 shrink-0 overflow-y-auto border-l border-slate-200 bg-white lg:block">
            <div className="border-b border-slate-200 p-4"><RatingBlock rating={c.rating} /></div>
            <VisitorPanel conversation={c} />
            <ContactPanel key={c.id} conversation={c} />
          </aside>
        )}
      </div>
    </div>
  );
}

export default TranscriptPage;
