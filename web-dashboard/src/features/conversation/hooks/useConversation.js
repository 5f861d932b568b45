import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtime } from '../../../lib/realtime/react.js';
import { createThreadFeed } from '../../../lib/realtime/feed.js';
import { emptyThread } from '../../../lib/realtime/thread.js';
import { EVT, TYPING_EXPIRE_MS } from '../../../lib/realtime/protocol.js';
import { newClientId } from '../../../lib/format/index.js';
import { useInbox } from '../../inbox/index.js';
import { getConversation, markRead } from '../api/conversation.js';
import { listAllMessages } from '../api/messages.js';

/** Everything the conversation view needs: the live conversation, its thread, typing and sending. */
export function useConversation(id) {
  const client = useRealtime();
  const { state, me, upsertConversation, markReadLocal } = useInbox();
  const [thread, setThread] = useState(emptyThread);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [visitorTyping, setVisitorTyping] = useState(false);
  const feedRef = useRef(null);
  const conversation = state.conversations[id] || null;

  // Load the conversation + transcript, then follow it live.
  useEffect(() => {
    if (!client) return undefined;
    // The screen is keyed by conversation id, so state starts fresh for each conversation.
    let cancelled = false;
    const feed = createThreadFeed(client, id, { onChange: (s) => { if (!cancelled) setThread(s); } });
    feedRef.current = feed;
    (async () => {
      try {
        const res = await getConversation(id);
        if (cancelled) return;
        if (res?.conversation) upsertConversation(res.conversation);
        const messages = await listAllMessages(id);
        if (cancelled) return;
        feed.seed(messages);
      } catch (err) {
        if (!cancelled) setError(err);
      } finally {
        if (!cancelled) {
          setLoading(false);
          feed.start(); // join with afterSeq = gap-free seq (again after every reconnect)
        }
      }
    })();
    return () => {
      cancelled = true;
      feed.dispose();
      if (feedRef.current === feed) feedRef.current = null;
    };
  }, [client, id, upsertConversation]);

  // After a reconnect, refresh the conversation itself (status/owner may have changed while offline).
  useEffect(() => {
    if (!client) return undefined;
    return client.on('ready', (_data, { reconnected } = {}) => {
      if (!reconnected) return;
      getConversation(id).then((res) => res?.conversation && upsertConversation(res.conversation), () => {});
    });
  }, [client, id, upsertConversation]);

  // Typing indicator of the visitor or the bot: false | 'visitor' | 'bot'
  // (cleared 6 s after the last typing:true, or by that sender's message).
  useEffect(() => {
    if (!client) return undefined;
    let timer = null;
    const off = client.on(EVT.TYPING, (data) => {
      if (data?.conversationId !== id || (data.senderType !== 'visitor' && data.senderType !== 'bot')) return;
      if (timer) clearTimeout(timer);
      setVisitorTyping(data.typing ? data.senderType : false);
      if (data.typing) timer = setTimeout(() => setVisitorTyping(false), TYPING_EXPIRE_MS);
    });
    const offMsg = client.on(EVT.MESSAGE_CREATED, (data) => {
      const m = data?.message;
      if (m?.conversationId === id && (m.senderType === 'visitor' || m.senderType === 'bot')) {
        setVisitorTyping((t) => (t === m.senderType ? false : t));
      }
    });
    return () => {
      off();
      offMsg();
      if (timer) clearTimeout(timer);
    };
  }, [client, id]);

  // The visitor's current page, live (visitor.page; the conversation's own
  // visitor.currentPage is the copy as loaded).
  const [live, setLive] = useState(null); // {id, page}
  const livePage = live?.id === id ? live.page : null;
  useEffect(() => {
    if (!client) return undefined;
    return client.on(EVT.VISITOR_PAGE, (data) => {
      if (data?.conversationId === id && data.page) setLive({ id, page: data.page });
    });
  }, [client, id]);

  // Mark read (conversation.read) when new messages are visible.
  const lastReadRef = useRef(0);
  useEffect(() => {
    lastReadRef.current = 0;
  }, [id]);
  const unread = conversation?.unreadByAgent || 0;
  useEffect(() => {
    if (!client || loading) return undefined;
    const send = () => {
      if (document.hidden) return;
      const seq = thread.maxSeq;
      if (!seq || (seq <= lastReadRef.current && !unread)) return;
      lastReadRef.current = seq;
      markReadLocal(id);
      client.markRead(id, seq).then((ok) => {
        if (!ok) markRead(id, seq).catch(() => {});
      });
    };
    send();
    document.addEventListener('visibilitychange', send);
    return () => document.removeEventListener('visibilitychange', send);
  }, [client, id, loading, thread.maxSeq, unread, markReadLocal]);

  const send = useCallback((text) => {
    const feed = feedRef.current;
    if (!feed) return Promise.resolve(null);
    return feed.send(text, newClientId(), me?.name).catch(() => null);
  }, [me]);

  const retry = useCallback((clientId) => feedRef.current?.retry(clientId).catch(() => null), []);
  const discard = useCallback((clientId) => feedRef.current?.discard(clientId), []);
  // a message stored through REST (attachment upload): shown now, deduped with its event
  const addMessage = useCallback((message) => feedRef.current?.seed([message]), []);

  return { conversation, livePage, thread, loading, error, visitorTyping, send, retry, discard, addMessage, me, agents: state.agents, upsertConversation };
}
