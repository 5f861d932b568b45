import { useCallback, useEffect, useRef } from 'react';
import { TYPING_THROTTLE_MS } from '../../../lib/realtime/protocol.js';

/**
 * Typing frames per protocol: at most one typing:true every 2 s while typing,
 * typing:false when the input is cleared or the message is sent.
 */
export function useTypingSender(client, conversationId, enabled) {
  const lastTrue = useRef(0);
  const active = useRef(false);

  const stop = useCallback(() => {
    if (!active.current) return;
    active.current = false;
    lastTrue.current = 0;
    client?.typing(conversationId, false);
  }, [client, conversationId]);

  const onInput = useCallback((value) => {
    if (!enabled || !client) return;
    if (!value.trim()) {
      stop();
      return;
    }
    const now = Date.now();
    if (now - lastTrue.current >= TYPING_THROTTLE_MS) {
      if (client.typing(conversationId, true)) {
        lastTrue.current = now;
        active.current = true;
      }
    }
  }, [client, conversationId, enabled, stop]);

  useEffect(() => stop, [stop]);
  return { onInput, stop };
}
