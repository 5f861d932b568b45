import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useRealtime } from '../lib/realtime/react.js';
import { EVT } from '../lib/realtime/protocol.js';
import { beep } from '../lib/notifications/index.js';

/**
 * "X xin nhận cuộc trò chuyện của bạn": a toast for the owner asked
 * (takeover.requested naming me), wherever I am in the dashboard, linking to
 * the conversation where I answer; it goes when the request ends, and
 * is not shown on that conversation's own page.
 */
export function TakeoverToasts({ meId }) {
  const client = useRealtime();
  const [toasts, setToasts] = useState([]);
  useEffect(() => {
    if (!client) return undefined;
    const offReq = client.on(EVT.TAKEOVER_REQUESTED, (data) => {
      const t = data?.takeover;
      if (!t || t.ownerId !== meId) return;
      setToasts((cur) => (cur.some((x) => x.id === t.id) ? cur : [...cur.slice(-3), t]));
      beep();
    });
    const offEnd = client.on(EVT.TAKEOVER_ENDED, (data) => {
      const id = data?.takeover?.id;
      if (id) setToasts((cur) => cur.filter((x) => x.id !== id));
    });
    return () => {
      offReq();
      offEnd();
    };
  }, [client, meId]);
  // Not over the conversation it is about: its takeover bar already asks,
  // and on a phone the toast would cover that conversation's reply box.
  const { pathname } = useLocation();
  const shown = toasts.filter((t) => pathname !== `/inbox/${t.conversationId}`);
  if (shown.length === 0) return null;
  const close = (id) => setToasts((cur) => cur.filter((x) => x.id !== id));
  return (
    <div className="fixed bottom-4 left-4 z-50 flex w-80 flex-col gap-2" aria-live="polite">
      {shown.map((t) => (
        <div key={t.id} className="rounded-lg bg-violet-50 p-3 text-sm text-violet-950 shadow-lg ring-1 ring-violet-300" role="status" data-testid="takeover-toast">
          <div className="flex items-start justify-between gap-2">
            <Link to={`/inbox/${t.conversationId}`} className="font-medium underline-offset-2 hover:underline" onClick={() => close(t.id)} data-testid="takeover-toast-link">
              {t.requesterName} xin nhận cuộc trò chuyện của bạn
            </Link>
            <button type="button" onClick={() => close(t.id)} className="text-violet-800 hover:text-violet-950" aria-label="Đóng thông báo">×</button>
          </div>
        </div>
      ))}
    </div>
  );
}
