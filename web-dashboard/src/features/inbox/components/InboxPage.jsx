import { useState } from 'react';
import { Outlet, useParams } from 'react-router';
import { PRIORITIES, PRIORITY_LABELS } from '../../../lib/format/index.js';
import { useInbox } from '../hooks/useInbox.js';
import { selectAgents, selectSections } from '../inbox-reducer.js';
import { ConversationList } from './ConversationList.jsx';
import { AgentsPresence } from './AgentsPresence.jsx';

export function InboxPage() {
  const { state, me } = useInbox();
  const { conversationId } = useParams();
  const [filters, setFilters] = useState({ priority: '', tag: '', sort: 'recent' });
  const [tagText, setTagText] = useState('');
  const sections = selectSections(state, me?.id, filters);
  const set = (k) => (e) => setFilters((f) => ({ ...f, [k]: e.target.value }));
  const filtering = !!(filters.priority || filters.tag);
  const agents = selectAgents(state);
  return (
    <div className="flex h-full min-h-0">
      <aside className={`${conversationId ? 'hidden md:flex' : 'flex'} w-full shrink-0 flex-col border-r border-slate-200 bg-white md:w-80 lg:w-96`}>
        <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2.5">
          <h1 className="text-base font-semibold text-slate-900">Hộp thư</h1>
          <select aria-label="Sắp xếp" data-testid="inbox-sort" value={filters.sort} onChange={set('sort')} className="rounded-md border-0 py-1 pl-2 pr-7 text-xs ring-1 ring-inset ring-slate-300">
            <option value="recent">Mới nhất</option>
            <option value="priority">Ưu tiên</option>
          </select>
        </div>
        <form
          noValidate
          className="flex items-center gap-2 border-b border-slate-200 px-3 py-2"
          aria-label="Lọc hộp thư"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters((f) => ({ ...f, tag: tagText.trim() }));
          }}
        >
          <select aria-label="Lọc theo mức ưu tiên" data-testid="inbox-filter-priority" value={filters.priority} onChange={set('priority')} className="w-32 rounded-md border-0 py-1 pl-2 pr-7 text-xs ring-1 ring-inset ring-slate-300">
            <option value="">Mọi ưu tiên</option>
            {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
          </select>
          <input
            type="search"
            aria-label="Lọc theo nhãn"
            data-testid="inbox-filter-tag"
            placeholder="Nhãn… (Enter)"
            value={tagText}
            onChange={(e) => {
              setTagText(e.target.value);
              if (!e.target.value) setFilters((f) => ({ ...f, tag: '' }));
            }}
            onBlur={() => setFilters((f) => ({ ...f, tag: tagText.trim() }))}
            className="min-w-0 flex-1 rounded-md border-0 px-2 py-1 text-xs ring-1 ring-inset ring-slate-300"
          />
          {filtering && (
            <button type="button" className="text-xs text-blue-700 hover:underline" onClick={() => { setTagText(''); setFilters((f) => ({ ...f, priority: '', tag: '' })); }}>
              Xoá lọc
            </button>
          )}
        </form>
        <ConversationList sections={sections} meId={me?.id} loaded={state.loaded} />
        <AgentsPresence agents={agents} meId={me?.id} />
      </aside>
      <section aria-label="Cuộc trò chuyện" className={`${conversationId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}>
        <Outlet />
      </section>
    </div>
  );
}

export function InboxEmpty() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-2 text-slate-600">
      <svg viewBox="0 0 24 24" className="h-12 w-12" fill="none" stroke="currentColor" strokeWidth="1.5"><path d="M4 5h16v11H9l-5 4z" strokeLinejoin="round" /></svg>
      <p className="text-sm">Chọn một cuộc trò chuyện để bắt đầu.</p>
    </div>
  );
}

export default InboxPage;
