import { useEffect, useState } from 'react';
import { resolveConversation } from '../api/assignment.js';
import { createPendingResolves, usePendingResolves } from '../pending-resolve.js';

let onResolved = () => {};
let onFailed = () => {};

/** The app's one store: "Kết thúc" schedules, the bar below shows the undo. */
export const pendingResolves = createPendingResolves({
  send: (id, opts) => {
    resolveConversation(id, opts).then((res) => onResolved(res?.conversation), (err) => onFailed(err));
  },
});

/**
 * "Đã kết thúc … · Hoàn tác" for each resolve in its undo window. Leaving the
 * page (or signing out) sends the pending ones at once.
 */
export function PendingResolveBar({ upsertConversation }) {
  const items = usePendingResolves(pendingResolves);
  const [error, setError] = useState(null);
  useEffect(() => {
    onResolved = (c) => c && upsertConversation(c, true);
    onFailed = (err) => setError(`Không kết thúc được: ${err.message}`);
    const flush = () => pendingResolves.flush({ keepalive: true });
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [upsertConversation]);
  if (items.length === 0 && !error) return null;
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-4 z-40 flex flex-col items-center gap-2 px-4" role="status" aria-live="polite">
      {items.map((x) => (
        <div key={x.id} className="pointer-events-auto flex items-center gap-3 rounded-lg bg-slate-900 px-4 py-2.5 text-sm text-white shadow-lg" data-testid="resolve-undo-bar" data-conversation-id={x.id}>
          <span>Đã kết thúc cuộc trò chuyện với {x.name || 'khách'}.</span>
          <button type="button" className="rounded px-2 py-1 font-semibold text-sky-300 hover:bg-slate-800 hover:text-sky-200" onClick={() => pendingResolves.undo(x.id)} data-testid="resolve-undo">
            Hoàn tác
          </button>
        </div>
      ))}
      {error && (
        <div className="pointer-events-auto flex items-center gap-3 rounded-lg bg-red-700 px-4 py-2.5 text-sm text-white shadow-lg">
          <span>{error}</span>
          <button type="button" className="rounded px-2 py-1 font-semibold hover:bg-red-800" onClick={() => setError(null)}>Đóng</button>
        </div>
      )}
    </div>
  );
}
