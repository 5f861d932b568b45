import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { mergeConfig } from '../config.js';
import { palette } from '../lib/format.js';
import { t, lang, setLanguage, chooseLanguage } from '../i18n/index.js';
import { Launcher } from '../features/launcher/Launcher.jsx';
import { Preview } from '../features/launcher/Preview.jsx';
import { useGreeting } from '../features/launcher/useGreeting.js';
import { Panel } from '../features/panel/Panel.jsx';
import { PrechatForm } from '../features/prechat/PrechatForm.jsx';
import { ChatView } from '../features/chat/ChatView.jsx';
import { useChatClient } from '../features/chat/useChatClient.js';
import { useTitleFlash } from './useTitleFlash.js';

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

/** The latest message an agent (or the bot) wrote, for the closed widget's preview. */
function latestAnswer(items) {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i];
    if (!m.local && (m.senderType === 'agent' || m.senderType === 'bot')) return m;
  }
  return null;
}

/**
 * @param {{local: import('../config.js').LocalConfig, controller: import('./controller.js').Controller,
 *   api: import('../lib/api.js').Api, store: ReturnType<typeof import('../lib/storage.js').createSessionStore>}} props
 */
export function App({ local, controller, api, store }) {
  const [remote, setRemote] = useState(null);
  const [shown, setShown] = useState(false);
  // What the page set through window.ChatDesk (open, hidden, user, fields, resets).
  const [pg, setPg] = useState(() => ({ ...controller.s }));
  const { open } = pg;
  const [everOpened, setEverOpened] = useState(open);
  const [session, setSession] = useState(() => store.load());
  const [notice, setNotice] = useState('');
  const [unread, setUnread] = useState(0);
  const [preview, setPreview] = useState(null);
  const launcher = useRef(null);
  const openRef = useRef(open);
  openRef.current = open;

  // Server-side title/greeting/colour, office hours and language; show the
  // launcher once known (or after 1.5 s) so its colour does not flash.
  useEffect(() => {
    const t = setTimeout(() => setShown(true), 1500);
    api.widgetConfig().then(
      async (r) => {
        // English strings come from the server beside widget.js, only
        // for an English widget; without them it stays Vietnamese.
        if (chooseLanguage(local.lang, !!(r && r.autoLanguage), navigator.languages || [navigator.language]) === 'en') {
          setLanguage(await api.strings('en').catch(() => null));
        }
        setRemote(r || {});
      },
      () => setRemote({}),
    ).finally(() => {
      clearTimeout(t);
      setShown(true);
    });
    return () => clearTimeout(t);
  }, [api, local.lang]);

  // The session as stored: another tab, setUser() or reset() may have
  // started or forgotten it.
  const reload = useCallback(() => {
    const next = store.load();
    setSession((cur) => ((cur && cur.token) === (next && next.token) ? cur : next));
  }, [store]);

  useEffect(() => controller.subscribe(() => {
    const v = controller.s.open;
    setPg({ ...controller.s });
    if (v) setEverOpened(true);
    rememberOpen(store.key, v);
    reload();
  }), [controller, store, reload]);

  useEffect(() => {
    if (shown) controller.emit('ready');
  }, [shown, controller]);

  // A visitor who was chatting and moves to another page of the site finds
  // the panel open again (desktop only: on phones it would cover the page).
  useEffect(() => {
    if (session && recallOpen(store.key) && window.innerWidth >= 480) controller.setOpen(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, at start
  }, []);

  // Another tab started (or lost) the conversation.
  useEffect(() => {
    const onStorage = (e) => {
      if (e.key === null || e.key === store.key) reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [store, reload]);

  const flash = useTitleFlash();
  const onMessage = useCallback((m) => {
    controller.emit('message', { id: m.id, seq: m.seq, from: m.senderType, text: m.text, createdAt: m.createdAt });
    if (m.senderType === 'visitor' || m.senderType === 'system') return;
    flash();
    if (!openRef.current) {
      setUnread((u) => u + 1);
      setPreview(m);
    }
  }, [controller, flash]);

  const onUnauthorized = useCallback(() => {
    store.clear();
    setSession(null);
    setNotice(t('expired'));
  }, [store]);

  const { client, snap } = useChatClient({ server: local.server, api, session, onMessage, onUnauthorized });

  // Unread messages the server kept while the page was away: the badge,
  // and the latest answer as a preview beside the launcher.
  const initialUnread = useRef(false);
  useEffect(() => {
    if (!snap || !snap.loaded || initialUnread.current) return;
    initialUnread.current = true;
    const n = snap.conversation && snap.conversation.unreadByVisitor;
    if (!openRef.current && typeof n === 'number' && n > 0) {
      setUnread(n);
      setPreview(latestAnswer(snap.items));
    }
  }, [snap]);

  useEffect(() => {
    if (open || !session) {
      setUnread(0);
      setPreview(null);
    }
  }, [open, session]);

  const unreadSent = useRef(0);
  useEffect(() => {
    if (unread !== unreadSent.current) controller.emit('unread', (unreadSent.current = unread));
  }, [unread, controller]);

  const cfg = mergeConfig(local, remote);
  const style = useMemo(() => palette(cfg.color), [cfg.color]);

  const close = () => {
    const root = launcher.current && launcher.current.getRootNode();
    const hadFocus = !!(root && root.activeElement);
    controller.setOpen(false);
    if (hadFocus && launcher.current) launcher.current.focus();
  };

  // Who can answer, as the header says it. The widget's own connection
  // comes first: never "Đang trực tuyến" while the widget itself is offline.
  const live = !!(session && snap);
  const supportOnline = live && snap.supportOnline !== null ? snap.supportOnline : remote && remote.supportOnline;
  const vi = lang === 'vi'; // the admin's texts (away message, reply time) are Vietnamese
  let status = '';
  if (live && (snap.status === 'reconnecting' || (snap.status === 'connecting' && !snap.loaded))) status = snap.status;
  else if (typeof supportOnline === 'boolean') status = supportOnline ? 'online' : remote && remote.open === false ? 'closed' : 'offline';
  const conv = snap && snap.conversation;
  const agentName = conv && conv.status === 'assigned' && conv.assigneeName ? conv.assigneeName : '';
  const leave = supportOnline === false;
  // Proactive greetings (Vietnamese, the admin's): never over an open chat
  // or a conversation that is going.
  const [greeting, hideGreeting] = useGreeting(vi && remote && remote.greetings, open || !!(session && !(conv && conv.status === 'resolved')));

  const onStarted = (s) => {
    store.save({ token: s.token, conversationId: s.conversationId, userId: s.conversation.visitor.userId });
    setNotice('');
    initialUnread.current = true;
    setSession(s);
  };

  return (
    <div className={`cd-root cd-${cfg.position} ${open ? 'cd-open' : ''}`} style={style} data-state={open ? 'open' : 'closed'} lang={lang}>
      {everOpened && (
        <div className={open ? 'contents' : 'hidden'}>
          <Panel id={PANEL_ID} title={cfg.title} status={status} agentName={agentName} agentPhoto={agentName && conv.assigneeAvatarUrl ? local.server + conv.assigneeAvatarUrl : ''} note={vi && remote && remote.replyTime} onClose={close}>
            {!session ? (
              <PrechatForm
                key={pg.resets}
                user={pg.user}
                answers={pg.fields}
                api={api}
                greeting={(leave && vi && remote.awayMessage) || cfg.greeting}
                leave={leave}
                notice={notice}
                onStarted={onStarted}
                visible={open}
              />
            ) : client && snap ? (
              <ChatView snap={snap} client={client} visible={open} cfg={remote || {}} />
            ) : (
              <div className="flex-1 bg-gray-50" />
            )}
          </Panel>
        </div>
      )}
      {shown && !open && !pg.hidden && preview && (
        <Preview m={preview} onOpen={() => controller.setOpen(true)} onHide={() => setPreview(null)} />
      )}
      {shown && !open && !pg.hidden && !preview && greeting && (
        <Preview m={{ senderName: cfg.title, text: greeting }} onOpen={() => controller.setOpen(true)} onHide={hideGreeting} />
      )}
      {shown && !pg.hidden && (
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
