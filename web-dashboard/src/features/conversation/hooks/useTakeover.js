import { useEffect, useState } from 'react';
import { useRealtime } from '../../../lib/realtime/react.js';
import { EVT } from '../../../lib/realtime/protocol.js';
import { getTakeover } from '../api/takeover.js';
import { secondsLeft, takeoverEndedText } from '../takeover.js';

/**
 * The conversation's pending takeover request: loaded over REST, followed
 * live (takeover.requested / takeover.ended on the agents' topic), with a
 * countdown to its deadline and the last outcome worded for `meId`.
 */
export function useTakeover(id, meId) {
  const client = useRealtime();
  const [pending, setPending] = useState(null); // {takeover, deadlineMs}
  const [ended, setEnded] = useState('');
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      getTakeover(id).then((res) => {
        if (cancelled) return;
        const t = res?.takeover;
        setPending(t ? { takeover: t, deadlineMs: Date.parse(t.deadline) } : null);
      }, () => {});
    load();
    if (!client) return () => { cancelled = true; };
    const offReq = client.on(EVT.TAKEOVER_REQUESTED, (data) => {
      const t = data?.takeover;
      if (t?.conversationId !== id) return;
      // Count down from this moment: the server's and this browser's clocks may differ.
      const span = Math.max(0, Date.parse(t.deadline) - Date.parse(t.createdAt));
      setPending({ takeover: t, deadlineMs: Date.now() + span });
      setEnded('');
    });
    const offEnd = client.on(EVT.TAKEOVER_ENDED, (data) => {
      if (data?.takeover?.conversationId !== id) return;
      setPending((cur) => (cur && cur.takeover.id !== data.takeover.id ? cur : null));
      setEnded(takeoverEndedText(data, meId));
    });
    const offReady = client.on('ready', (_d, { reconnected } = {}) => { if (reconnected) load(); });
    return () => {
      cancelled = true;
      offReq();
      offEnd();
      offReady();
    };
  }, [client, id, meId]);

  useEffect(() => {
    if (!pending) return undefined;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0); // start from now, not from the last tick
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [pending]);

  const left = pending ? secondsLeft(pending.deadlineMs, now) : 0;
  return { takeover: pending?.takeover || null, secondsLeft: left, ended, setPending, clearEnded: () => setEnded('') };
}
