import { useState } from 'react';
import { useRealtimeStatus } from '../../../lib/realtime/react.js';
import { useInbox } from '../hooks/useInbox.js';

/**
 * Own availability: online / away (PUT /api/agents/me/status). While this
 * dashboard's own connection is down neither is lit: nobody can reach the
 * agent through it.
 */
export function AvailabilityToggle() {
  const { state, me, setAvailability } = useInbox();
  const [error, setError] = useState(null);
  const connected = useRealtimeStatus() === 'ready';
  const self = state.agents[me?.id];
  const status = !connected ? 'offline' : self?.status === 'away' ? 'away' : 'online';
  const choose = async (next) => {
    if (next === status) return;
    setError(null);
    try {
      await setAvailability(next);
    } catch (err) {
      setError(err.message);
    }
  };
  return (
    <div className="flex items-center gap-2" title={error || undefined}>
      <div className="inline-flex rounded-md bg-slate-800 p-0.5 text-xs" role="group" aria-label="Trạng thái của bạn" data-status={status}>
        <button type="button" onClick={() => choose('online')} aria-pressed={status === 'online'}
          className={`flex items-center gap-1 rounded px-2 py-1 ${status === 'online' ? 'bg-emerald-700 text-white' : 'text-slate-300 hover:text-white'}`}>
          <span className="h-1.5 w-1.5 rounded-full bg-current" /> Trực tuyến
        </button>
        <button type="button" onClick={() => choose('away')} aria-pressed={status === 'away'}
          className={`flex items-center gap-1 rounded px-2 py-1 ${status === 'away' ? 'bg-amber-700 text-white' : 'text-slate-300 hover:text-white'}`}>
          <span className="h-1.5 w-1.5 rounded-full bg-current" /> Vắng mặt
        </button>
      </div>
      {error && <span className="text-xs text-red-300">!</span>}
    </div>
  );
}
