import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useRealtime } from '../lib/realtime/react.js';
import { EVT } from '../lib/realtime/protocol.js';
import { beep } from '../lib/notifications/index.js';

/** "X nhắc đến bạn trong ghi chú": one toast per note.mentioned (sent to my sockets only), linking to the conversation. */
export function MentionToasts({ meId }) {
  const client = useRealtime();
  const [toasts, setToasts] = useState([]);
  useEffect(() => {
    if (!client) return undefined;
    return client.on(EVT.NOTE_MENTIONED, (data) => {
      if (!data || data.agentId !== meId) return;
      const key = data.note?.id || String(Math.random());
      setToasts((cur) => (cur.some((t) => t.key === key) ? cur : [...cur.slice(-3), { key, byName: data.byName, conversationId: data.conversationId, text: data.note?.text || '' }]));
      beep();
    });
  }, [client, meId]);
  if (toasts.length === 0) return null;
  const close = (key) => setToasts((cur) => cur.filter((t) => t.key !== key));
  return (
    <div className="fixed bottom-4 right-4 z-50 flex w-80 flex-col gap-2" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.key} className="rounded-lg bg-amber-50 p-3 text-sm text-amber-950 shadow-lg ring-1 ring-amber-300" role="status" data-testid="mention-toast">
          <div className="flex items-start justify-between gap-2">
            <Link to={`/inbox/${t.conversationId}`} className="font-medium underline-offset-2 hover:underline" onClick={() => close(t.key)} data-testid="mention-link">
              {t.byName} nhắc đến bạn trong ghi chú
            </Link>
            <button type="button" onClick={() => close(t.key)} className="text-amber-800 hover:text-amber-950" aria-label="Đóng thông báo">×</button>
          </div>
          {t.text && <p className="mt-1 line-clamp-2 text-xs text-amber-900">{t.text}</p>}
        </div>
      ))}
    </div>
  );
}
