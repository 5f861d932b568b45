import { useState } from 'react';
import { ConversationRow } from './ConversationRow.jsx';

const SECTIONS = [
  { key: 'left', title: 'Lời nhắn để lại', empty: '', hideEmpty: true },
  { key: 'waiting', title: 'Đang chờ', empty: 'Không có khách nào đang chờ.' },
  { key: 'mine', title: 'Của tôi', empty: 'Bạn chưa phụ trách cuộc trò chuyện nào.' },
  { key: 'others', title: 'Của người khác', empty: 'Không có.' },
];

export function ConversationList({ sections, meId, loaded }) {
  const [collapsed, setCollapsed] = useState({});
  return (
    <div className="flex-1 overflow-y-auto" aria-label="Danh sách cuộc trò chuyện">
      {SECTIONS.map(({ key, title, empty, hideEmpty }) => {
        const items = sections[key] || [];
        if (hideEmpty && !items.length) return null;
        const unread = items.reduce((n, c) => n + (c.unreadByAgent || 0), 0);
        const isCollapsed = !!collapsed[key];
        return (
          <section key={key} data-testid={`section-${key}`} aria-label={title}>
            <button
              type="button"
              onClick={() => setCollapsed((s) => ({ ...s, [key]: !s[key] }))}
              className="sticky top-0 z-10 flex w-full items-center justify-between border-b border-slate-200 bg-slate-50/95 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600 backdrop-blur"
              aria-expanded={!isCollapsed}
            >
              <span className="flex items-center gap-2">
                <svg className={`h-3 w-3 transition ${isCollapsed ? '-rotate-90' : ''}`} viewBox="0 0 20 20" fill="currentColor"><path d="M5 7l5 6 5-6z" /></svg>
                {title}
                <span className="rounded-full bg-slate-200 px-1.5 py-px text-[11px] font-medium normal-case text-slate-700">{items.length}</span>
              </span>
              {unread > 0 && <span className="rounded-full bg-red-500 px-1.5 py-px text-[11px] font-semibold text-white">{unread}</span>}
            </button>
            {!isCollapsed && (
              <div>
                {items.length === 0 ? (
                  <p className="px-3 py-3 text-xs text-slate-600">{loaded ? empty : 'Đang tải…'}</p>
                ) : (
                  items.map((c) => <ConversationRow key={c.id} c={c} meId={meId} />)
                )}
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
