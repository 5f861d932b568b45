import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { useNavigate } from 'react-router';
import { useRealtime } from '../../../lib/realtime/react.js';
import { CHANGE, EVT } from '../../../lib/realtime/protocol.js';
import { notifyIfHidden, titleWithCount } from '../../../lib/notifications/index.js';
import { listOpenConversations } from '../api/conversations.js';
import { listAgents, setMyStatus } from '../api/agents.js';
import { inboxReducer, initialInbox, selectUnreadTotal, shouldNotify } from '../inbox-reducer.js';
import { InboxContext } from './useInbox.js';

/** App-level live store for the inbox; subscribes to the shared realtime client. */
export function InboxProvider({ me, children }) {
  const client = useRealtime();
  const navigate = useNavigate();
  const [state, dispatch] = useReducer(inboxReducer, initialInbox);
  const meRef = useRef(me);
  useEffect(() => {
    meRef.current = me;
  }, [me]);

  const reloadConversations = useCallback(async () => {
    const since = Date.now();
    try {
      const items = await listOpenConversations();
      dispatch({ type: 'conversations/loaded', items, since });
    } catch {
      /* shown as stale; the next reconnect retries */
    }
  }, []);

  const reloadAgents = useCallback(async () => {
    const since = Date.now();
    try {
      const res = await listAgents();
      dispatch({ type: 'agents/loaded', items: res?.items || [], since });
    } catch {
      /* ignore */
    }
  }, []);

  useEffect(() => {
    reloadConversations();
    reloadAgents();
  }, [reloadConversations, reloadAgents]);

  useEffect(() => {
    if (!client) return undefined;
    const notify = (type, data) => {
      if (!shouldNotify(type, data, meRef.current?.id)) return;
      const c = data.conversation;
      const who = c.visitor?.name || 'Khách';
      const handoff = data.change === CHANGE.HANDOFF;
      notifyIfHidden({
        title: type === EVT.CONVERSATION_CREATED ? 'Cuộc trò chuyện mới' : handoff ? `${who} muốn gặp nhân viên` : `Tin nhắn mới từ ${who}`,
        body: type === EVT.CONVERSATION_CREATED ? `${who}: ${c.lastMessage?.text || ''}` : handoff ? 'Khách muốn gặp nhân viên hỗ trợ.' : c.lastMessage?.text || '',
        tag: c.id,
        onClick: () => navigate(`/inbox/${c.id}`),
      });
    };
    const offs = [
      client.on('ready', (data, { reconnected } = {}) => {
        if (Array.isArray(data?.agents)) dispatch({ type: 'agents/loaded', items: data.agents });
        // our own socket is up, so we are online whatever a racing snapshot said
        const me = meRef.current;
        const self = data?.agents?.find((a) => a.id === me?.id);
        if (me) dispatch({ type: 'agent/presence', agentId: me.id, name: me.name, online: true, status: self?.status === 'away' ? 'away' : 'online' });
        // Events are only delivered once the session is ready: reload after every
        // hello (the first one too: the load at mount may predate the session).
        reloadConversations();
        if (reconnected) reloadAgents();
      }),
      client.on(EVT.SESSION_RESYNC, () => {
        reloadConversations();
        reloadAgents();
      }),
      client.on(EVT.CONVERSATION_CREATED, (data) => {
        dispatch({ type: 'conversation/upsert', conversation: data?.conversation });
        notify(EVT.CONVERSATION_CREATED, data);
      }),
      client.on(EVT.CONVERSATION_UPDATED, (data) => {
        if (data?.change === CHANGE.ERASED) {
          dispatch({ type: 'conversation/erased', id: data.conversation?.id });
          return;
        }
        dispatch({ type: 'conversation/upsert', conversation: data?.conversation });
        notify(EVT.CONVERSATION_UPDATED, data);
      }),
      client.on(EVT.AGENT_PRESENCE, (data) => dispatch({ type: 'agent/presence', ...data })),
    ];
    return () => offs.forEach((off) => off());
  }, [client, navigate, reloadConversations, reloadAgents]);

  const unread = selectUnreadTotal(state, me?.id);
  useEffect(() => {
    document.title = titleWithCount(unread);
  }, [unread]);

  const setAvailability = useCallback(async (status) => {
    const id = meRef.current?.id;
    const prev = state.agents[id];
    if (id) dispatch({ type: 'agent/presence', agentId: id, name: meRef.current?.name, online: true, status });
    try {
      await setMyStatus(status);
    } catch (err) {
      if (prev) dispatch({ type: 'agent/presence', agentId: id, name: prev.name, online: prev.online, status: prev.status });
      throw err;
    }
  }, [state.agents]);

  const markReadLocal = useCallback((id) => dispatch({ type: 'conversation/read', id }), []);
  // fresh: the conversation was just read from the server (a direct GET or
  // an action's answer) and replaces the local copy whatever its timestamps.
  const upsertConversation = useCallback((conversation, fresh = false) => dispatch({ type: 'conversation/upsert', conversation, fresh }), []);

  const value = useMemo(() => ({
    state,
    me,
    dispatch,
    unread,
    reloadConversations,
    setAvailability,
    markReadLocal,
    upsertConversation,
  }), [state, me, unread, reloadConversations, setAvailability, markReadLocal, upsertConversation]);

  return <InboxContext.Provider value={value}>{children}</InboxContext.Provider>;
}
