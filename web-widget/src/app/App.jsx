import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { mergeConfig } from '../config.js';
import { palette } from '../lib/format.js';
import { Launcher } from '../features/launcher/Launcher.jsx';
import { Panel } from '../features/panel/Panel.jsx';
import { PrechatForm } from '../features/prechat/PrechatForm.jsx';
import { ChatView } from '../features/chat/ChatView.jsx';
import { useChatClient } from '../features/chat/useChatClient.js';

const PANEL_ID = 'cd-panel';

function rememberOpen(key, open) {
  try {
    if (open) sessionStorage.setItem(key + ':open', '1');
    else sessionStorage.removeItem(key + ':open');
  } catch {
    /* storage unavailable */
  }
}

function recallOpen(key) {
  try {
    return sessionStorage.getItem(key + ':open') === '1';
  } catch {
    return false;
  }
}
const EXPIRED = 'Phiên trò chuyện trước đã kết thúc. Vui lòng nhập thông tin để bắt đầu cuộc trò chuyện mới.';

/**
 * @param {{local: import('../config.js').LocalConfig, controller: import('./controller.js').Controller,
 *   api: import('../lib/api.js').Api, store: ReturnType<typeof import('../lib/storage.js').createSessionStore>}} props
 */
export function App({ local, controller, api, store }) {
  const [remote, setRemote] = useState(null);
  const [shown, setShown] = useState(false);
  const [open, setOpenState] = useState(controller.isOpen());
  const [everOpened, setEverOpened] = useState(open);
  const [session, setSession] = useState(() => store.load());
  const [notice, setNotice] = useState('');
  const [unread, setUnread] = useState(0);
  const launcher = useRef(null);
  const openRef = useRef(open);
  openRef.current = open;

  // Server-side title/greeting/colour; show the launcher once known (or
  // after 1.5 s) so its colour does not flash.
  useEffect(() => {
    const t = setTimeout(() => setShown(true), 1500);
    api.widgetConfig().then(
      (r) => setRemote(r || {}),
      () => setRemote({}),
    ).finally(() => {
      clearTimeout(t);
      setShown(true);
    });
    return () => clearTimeout(t);
  }, [api]);

  useEffect(() => controller.subscribe((v) => {
    setOpenState(v);
    if (v) setEverOpened(true);
    rememberOpen(store.key, v);
  }), [controller, store]);

  // A visitor who was chatting and moves to another page of the site finds
  // the panel open again (desktop only: on phones it would cover the page).
  useEffect(() => {
    if (session && recallOpen(store.key) && window.innerWidth >= 480) controller.setOpen(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, at start
  }, []);

  // Another tab started (or lost) the conversation.
  useEffect(() => {
    const onStorage = (e) => {
      if (e.key !== null && e.key !== store.key) return;
      const next = store.load();
      setSession((cur) => ((cur && cur.token) === (next && next.token) ? cur : next));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [store]);

  const onMessage = useCallback((m) => {
    controller.emit('message', m);
    if (m.senderType !== 'visitor' && !openRef.current) setUnread((u) => u + 1);
  }, [controller]);

  const onUnauthorized = useCallback(() => {
    store.clear();
    setSession(null);
    setNotice(EXPIRED);
  }, [store]);

  const { client, snap } = useChatClient({ server: local.server, api, session, onMessage, onUnauthorized });

  // Unread count the server kept while the page was away.
  const initialUnread = useRef(false);
  useEffect(() => {
    if (!snap || !snap.loaded || initialUnread.current) return;
    initialUnread.current = true;
    const n = snap.conversation && snap.conversation.unreadByVisitor;
    if (!openRef.current && typeof n === 'number' && n > 0) setUnread(n);
  }, [snap]);

  useEffect(() => {
    if (open) setUnread(0);
  }, [open]);

  const cfg = mergeConfig(local, remote);
  const style = useMemo(() => palette(cfg.color), [cfg.color]);

  const close = () => {
    const root = launcher.current && launcher.current.getRootNode();
    const hadFocus = !!(root && root.activeElement);
    controller.setOpen(false);
    if (hadFocus && launcher.current) launcher.current.focus();
  };

  let status = null;
  const supportOnline = snap && snap.supportOnline !== null ? snap.supportOnline : remote && remote.supportOnline;
  if (typeof supportOnline === 'boolean') status = supportOnline ? 'online' : 'offline';
  const conv = snap && snap.conversation;
  const agentName = conv && conv.status === 'assigned' && conv.assigneeName ? conv.assigneeName : '';

  const onStarted = (s) => {
    store.save({ token: s.token, conversationId: s.conversationId });
    setNotice('');
    initialUnread.current = true;
    setSession(s);
  };

  return (
    <div className={`cd-root cd-${cfg.position} ${open ? 'cd-open' : ''}`} style={style} data-state={open ? 'open' : 'closed'}>
      {everOpened && (
        <div className={open ? 'contents' : 'hidden'}>
          <Panel id={PANEL_ID} title={cfg.title} status={status} agentName={agentName} onClose={close}>
            {!session ? (
              <PrechatForm api={api} greeting={cfg.greeting} notice={notice} onStarted={onStarted} visible={open} />
            ) : client && snap ? (
              <ChatView snap={snap} client={client} visible={open} />
            ) : (
              <div className="flex-1 bg-gray-50" />
            )}
          </Panel>
        </div>
      )}
      {shown && (
        <Launcher
          innerRef={launcher}
          open={open}
          unread={unread}
          panelId={PANEL_ID}
          onClick={() => (open ? close() : controller.setOpen(true))}
        />
      )}
    </div>
  );
}
