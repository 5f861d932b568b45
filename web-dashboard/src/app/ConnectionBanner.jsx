import { useRealtime, useRealtimeStatus } from '../lib/realtime/react.js';

/** The dashboard's own connection, as soon as it is lost (the network going away included). */
export function ConnectionBanner() {
  const client = useRealtime();
  const status = useRealtimeStatus();
  if (status !== 'reconnecting') return null;
  return (
    <div role="status" data-testid="connection-banner" className="flex items-center justify-center gap-3 bg-amber-700 px-4 py-1.5 text-sm font-medium text-white">
      <svg className="h-4 w-4 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden="true"><circle cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" className="opacity-25" /><path d="M4 12a8 8 0 018-8" stroke="currentColor" strokeWidth="4" /></svg>
      <span data-testid="connection-text">Đang kết nối lại…</span>
      <button type="button" onClick={() => client?.reconnectNow()} className="rounded bg-white/20 px-2 py-0.5 text-xs hover:bg-white/30">Thử lại ngay</button>
    </div>
  );
}
