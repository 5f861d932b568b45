import { useRealtime, useRealtimeStatus } from '../lib/realtime/react.js';

export function ConnectionBanner() {
  const client = useRealtime();
  const status = useRealtimeStatus();
  if (status !== 'reconnecting') return null;
  return (
    <div role="alert" data-testid="connection-banner" className="flex items-center justify-center gap-3 bg-amber-500 px-4 py-1.5 text-sm font-medium text-white">
      <svg className="h-4 w-4 animate-spin" viewBox="0 0 24 24" fill="none"><circle cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" className="opacity-25" /><path d="M4 12a8 8 0 018-8" stroke="currentColor" strokeWidth="4" /></svg>
      Mất kết nối — đang thử lại
      <button type="button" onClick={() => client?.reconnectNow()} className="rounded bg-white/20 px-2 py-0.5 text-xs hover:bg-white/30">Thử lại ngay</button>
    </div>
  );
}
