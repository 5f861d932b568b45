import { Outlet, useParams } from 'react-router';
import { useInbox } from '../hooks/useInbox.js';
import { selectAgents, selectSections } from '../inbox-reducer.js';
import { ConversationList } from './ConversationList.jsx';
import { AgentsPresence } from './AgentsPresence.jsx';

export function InboxPage() {
  const { state, me } = useInbox();
  const { conversationId } = useParams();
  const sections = selectSections(state, me?.id);
  const agents = selectAgents(state);
  return (
    <div className="flex h-full min-h-0">
      <aside className={`${conversationId ? 'hidden md:flex' : 'flex'} w-full shrink-0 flex-col border-r border-slate-200 bg-white md:w-80 lg:w-96`}>
        <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2.5">
          <h1 className="text-base font-semibold text-slate-900">Hộp thư</h1>
        </div>
        <ConversationList sections={sections} meId={me?.id} loaded={state.loaded} />
        <AgentsPresence agents={agents} meId={me?.id} />
      </aside>
      <main className={`${conversationId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}>
        <Outlet />
      </main>
    </div>
  );
}

export function InboxEmpty() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-2 text-slate-400">
      <svg viewBox="0 0 24 24" className="h-12 w-12" fill="none" stroke="currentColor" strokeWidth="1.5"><path d="M4 5h16v11H9l-5 4z" strokeLinejoin="round" /></svg>
      <p className="text-sm">Chọn một cuộc trò chuyện để bắt đầu.</p>
    </div>
  );
}

export default InboxPage;
