// A small in-memory mock of the chatdesk server contract (docs/api.md,
// docs/protocol.md), only for developing the dashboard while the Go server is
// not ready: CHATDESK_TEST_MOCK=1 npm test. `make test` runs the real server.
import http from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';

const now = () => new Date().toISOString();
const oid = () => crypto.randomBytes(12).toString('hex');
const fold = (s) => String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
const digits = (s) => String(s || '').replace(/\D/g, '').replace(/^84/, '0');

function err(res, status, code, message, extra = {}) {
  send(res, status, { error: { code, message, ...extra } });
}
function send(res, status, body) {
  if (status === 204) { res.writeHead(204); res.end(); return; }
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(data);
}

export async function startMockServer({ port, distDir }) {
  const S = {
    agents: [
      { id: oid(), email: 'an@chatdesk.local', name: 'An', role: 'agent', disabled: false, status: 'online', createdAt: now(), updatedAt: now() },
      { id: oid(), email: 'binh@chatdesk.local', name: 'Bình', role: 'agent', disabled: false, status: 'online', createdAt: now(), updatedAt: now() },
      { id: oid(), email: 'admin@chatdesk.local', name: 'Quản trị', role: 'admin', disabled: false, status: 'online', createdAt: now(), updatedAt: now() },
    ],
    passwords: {},
    convs: [],
    messages: {},
    fields: [
      { key: 'name', label: 'Họ tên', type: 'text', required: true, options: [], order: 1, enabled: true, builtin: true },
      { key: 'phone', label: 'Số điện thoại', type: 'phone', required: true, options: [], order: 2, enabled: true, builtin: true },
      { key: 'address', label: 'Địa chỉ', type: 'text', required: false, options: [], order: 3, enabled: true, builtin: true },
      { key: 'message', label: 'Nội dung cần hỗ trợ', type: 'textarea', required: false, options: [], order: 4, enabled: true, builtin: true },
    ],
    settings: { assignmentMode: 'round_robin', defaultAgentId: '', allowedOrigins: [], widgetColor: '#2563eb', widgetTitle: 'Hỗ trợ trực tuyến', widgetGreeting: 'Xin chào! Chúng tôi có thể giúp gì cho bạn?' },
    tokens: new Map(), // token → {kind, id}
    rr: 0,
  };
  for (const a of S.agents) S.passwords[a.id] = 'matkhau123';

  const sockets = new Set(); // {ws, kind, agentId, convId, joined:Set}
  const online = (agentId) => [...sockets].some((s) => s.kind === 'agent' && s.agentId === agentId);
  const pubAgent = (a) => ({ id: a.id, email: a.email, name: a.name, role: a.role, disabled: a.disabled, createdAt: a.createdAt, updatedAt: a.updatedAt });
  const presence = (a) => ({ id: a.id, name: a.name, role: a.role, online: online(a.id), status: online(a.id) ? a.status : 'offline' });
  const emit = (filter, type, data) => {
    const raw = JSON.stringify({ type, data });
    for (const s of sockets) if (s.ready && filter(s)) s.ws.send(raw);
  };
  const toAgents = (type, data) => emit((s) => s.kind === 'agent', type, data);
  const convUpdated = (c, change) => {
    toAgents('conversation.updated', { conversation: c, change });
    emit((s) => s.kind === 'visitor' && s.convId === c.id, 'conversation.updated', { conversation: c, change });
  };

  function addMessage(c, { senderType, senderId = '', senderName = '', text, clientId = '' }) {
    const list = (S.messages[c.id] ||= []);
    if (clientId) {
      const dup = list.find((m) => m.clientId === clientId);
      if (dup) return { message: dup, dup: true };
    }
    const m = { id: oid(), conversationId: c.id, seq: list.length + 1, clientId, senderType, senderId, senderName, text, createdAt: now() };
    list.push(m);
    c.lastMessage = { seq: m.seq, text: m.text, senderType, senderId, senderName, at: m.createdAt };
    c.updatedAt = m.createdAt;
    if (senderType === 'visitor') c.unreadByAgent += 1;
    if (senderType === 'agent') c.unreadByVisitor += 1;
    emit((s) => (s.kind === 'agent' && s.joined.has(c.id)) || (s.kind === 'visitor' && s.convId === c.id), 'message.created', { message: m });
    return { message: m, dup: false };
  }

  function assign(c, agent, change) {
    c.assigneeId = agent ? agent.id : null;
    c.assigneeName = agent ? agent.name : null;
    c.status = agent ? 'assigned' : 'waiting';
    c.assignedAt = agent ? now() : null;
    c.updatedAt = now();
    if (agent) addMessage(c, { senderType: 'system', text: change === 'transferred' ? `Cuộc trò chuyện được chuyển cho ${agent.name}.` : `${agent.name} đã tham gia cuộc trò chuyện.` });
    convUpdated(c, change);
  }

  function autoAssign(c) {
    let cand = S.agents.filter((a) => !a.disabled && a.role === 'agent' && online(a.id) && a.status === 'online');
    if (S.settings.assignmentMode === 'default' && S.settings.defaultAgentId) cand = cand.filter((a) => a.id === S.settings.defaultAgentId);
    if (!cand.length) return;
    const a = cand[S.rr++ % cand.length];
    assign(c, a, 'assigned');
  }

  function auth(req) {
    const h = req.headers.authorization || '';
    const t = h.startsWith('Bearer ') ? h.slice(7) : '';
    return S.tokens.get(t) || null;
  }
  function issue(agent) {
    const token = 'agt-' + crypto.randomBytes(16).toString('hex');
    S.tokens.set(token, { kind: 'agent', id: agent.id });
    return { token, expiresAt: new Date(Date.now() + 3600e3).toISOString(), agent: pubAgent(agent) };
  }

  async function body(req) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (!raw) return {};
    try { return JSON.parse(raw); } catch { return null; }
  }

  async function handleApi(req, res, url) {
    const p = url.pathname.slice(4);
    const m = req.method;
    const b = m === 'GET' || m === 'DELETE' ? {} : await body(req);
    if (b === null) return err(res, 400, 'invalid_input', 'Dữ liệu không hợp lệ.');
    const who = auth(req);
    const me = who?.kind === 'agent' ? S.agents.find((a) => a.id === who.id) : null;
    const needAgent = () => { if (!me) { err(res, 401, 'unauthorized', 'Vui lòng đăng nhập.'); return false; } if (me.disabled) { err(res, 403, 'account_disabled', 'Tài khoản đã bị vô hiệu hoá.'); return false; } return true; };
    const needAdmin = () => { if (!needAgent()) return false; if (me.role !== 'admin') { err(res, 403, 'forbidden', 'Bạn không có quyền.'); return false; } return true; };
    let mm;

    if (p === '/auth/login' && m === 'POST') {
      const a = S.agents.find((x) => x.email === String(b.email || '').toLowerCase());
      if (!a || S.passwords[a.id] !== b.password) return err(res, 401, 'unauthorized', 'Email hoặc mật khẩu không đúng.');
      if (a.disabled) return err(res, 403, 'account_disabled', 'Tài khoản đã bị vô hiệu hoá.');
      return send(res, 200, issue(a));
    }
    if (p === '/auth/refresh' && m === 'POST') { if (!needAgent()) return; return send(res, 200, issue(me)); }
    if (p === '/auth/me') { if (!needAgent()) return; return send(res, 200, { agent: pubAgent(me) }); }
    if (p === '/agents' && m === 'GET') { if (!needAgent()) return; return send(res, 200, { items: S.agents.filter((a) => !a.disabled).map(presence) }); }
    if (p === '/agents/me/status' && m === 'PUT') {
      if (!needAgent()) return;
      if (!['online', 'away'].includes(b.status)) return err(res, 400, 'invalid_input', 'Trạng thái không hợp lệ.', { fields: { status: 'Không hợp lệ' } });
      me.status = b.status;
      toAgents('agent.presence', { agentId: me.id, name: me.name, online: online(me.id), status: online(me.id) ? me.status : 'offline' });
      return send(res, 204);
    }
    if (p === '/widget/config') return send(res, 200, { title: S.settings.widgetTitle, greeting: S.settings.widgetGreeting, color: S.settings.widgetColor, supportOnline: S.agents.some((a) => online(a.id)) });
    if (p === '/form-fields') return send(res, 200, { items: S.fields.filter((f) => f.enabled).sort((x, y) => x.order - y.order) });
    if (p === '/conversations' && m === 'POST') {
      const f = b.fields || {};
      const fe = {};
      for (const fd of S.fields) if (fd.enabled && fd.required && !f[fd.key]) fe[fd.key] = 'Vui lòng nhập thông tin này.';
      if (Object.keys(fe).length) return err(res, 400, 'invalid_input', 'Vui lòng kiểm tra lại thông tin.', { fields: fe });
      const phone = digits(f.phone);
      const c = {
        id: oid(), status: 'waiting', assigneeId: null, assigneeName: null,
        answers: S.fields.filter((fd) => fd.enabled).map((fd) => ({ key: fd.key, label: fd.label, type: fd.type, value: fd.key === 'phone' ? phone : f[fd.key] ?? (fd.type === 'checkbox' ? false : '') })),
        visitor: { name: f.name, phone, pageUrl: b.pageUrl || '', referrer: b.referrer || '', userAgent: req.headers['user-agent'] || '', ip: '127.0.0.1' },
        lastMessage: null, unreadByAgent: 0, unreadByVisitor: 0, createdAt: now(), updatedAt: now(), assignedAt: null, resolvedAt: null,
      };
      S.convs.push(c);
      S.messages[c.id] = [];
      if (f.message) addMessage(c, { senderType: 'visitor', senderName: f.name, text: f.message });
      toAgents('conversation.created', { conversation: c });
      autoAssign(c);
      const token = 'vis-' + crypto.randomBytes(16).toString('hex');
      S.tokens.set(token, { kind: 'visitor', id: c.id });
      return send(res, 201, { conversation: c, visitorToken: token });
    }
    if (p === '/conversations' && m === 'GET') {
      if (!needAgent()) return;
      const q = url.searchParams;
      let items = [...S.convs];
      const qq = q.get('q');
      if (qq) {
        const d = digits(qq);
        items = items.filter((c) => fold(c.visitor.name).includes(fold(qq)) || (d.length >= 3 && c.visitor.phone.includes(d.replace(/^0/, ''))));
      }
      if (q.get('status')) { const st = q.get('status').split(','); items = items.filter((c) => st.includes(c.status)); }
      if (q.get('assignee')) { const a = q.get('assignee'); items = items.filter((c) => (a === 'me' ? c.assigneeId === me.id : a === 'none' ? !c.assigneeId : c.assigneeId === a)); }
      if (q.get('from')) items = items.filter((c) => c.createdAt >= new Date(q.get('from')).toISOString());
      if (q.get('to')) { const t = q.get('to'); const end = /^\d{4}-\d{2}-\d{2}$/.test(t) ? new Date(Date.parse(t) + 86400e3) : new Date(t); items = items.filter((c) => c.createdAt < end.toISOString()); }
      const key = q.get('sort') === 'created' ? 'createdAt' : 'updatedAt';
      items.sort((x, y) => (y[key] > x[key] ? 1 : -1));
      const limit = Math.min(100, Number(q.get('limit')) || 50);
      const start = Number(q.get('cursor')) || 0;
      const page = items.slice(start, start + limit);
      return send(res, 200, { items: page, next: start + limit < items.length ? String(start + limit) : null });
    }
    if ((mm = p.match(/^\/conversations\/([^/]+)(?:\/([a-z]+))?$/))) {
      const c = S.convs.find((x) => x.id === mm[1]);
      const action = mm[2];
      const visitorOk = who?.kind === 'visitor' && who.id === mm[1];
      if (!me && !visitorOk) return who ? err(res, 404, 'not_found', 'Không tìm thấy.') : err(res, 401, 'unauthorized', 'Vui lòng đăng nhập.');
      if (!c) return err(res, 404, 'not_found', 'Không tìm thấy cuộc trò chuyện.');
      if (!action && m === 'GET') return send(res, 200, { conversation: c, supportOnline: true });
      if (action === 'messages' && m === 'GET') {
        const after = Number(url.searchParams.get('after')) || 0;
        const limit = Math.min(500, Number(url.searchParams.get('limit')) || 100);
        const items = S.messages[c.id].filter((x) => x.seq > after).slice(0, limit);
        const last = items.length ? items[items.length - 1].seq : after;
        return send(res, 200, { items, next: S.messages[c.id].some((x) => x.seq > last) ? last : null });
      }
      if (action === 'messages' && m === 'POST') {
        if (me && c.assigneeId !== me.id) return err(res, 403, 'not_assigned', 'Chỉ nhân viên đang phụ trách cuộc trò chuyện mới được trả lời.');
        const text = String(b.text || '').trim();
        if (!text) return err(res, 400, 'invalid_input', 'Tin nhắn trống.', { fields: { text: 'Tin nhắn trống.' } });
        const r = addMessage(c, me ? { senderType: 'agent', senderId: me.id, senderName: me.name, text, clientId: b.clientId } : { senderType: 'visitor', senderName: c.visitor.name, text, clientId: b.clientId });
        if (!r.dup) convUpdated(c, 'message');
        return send(res, r.dup ? 200 : 201, { message: r.message });
      }
      if (action === 'read' && m === 'POST') { if (me) c.unreadByAgent = 0; else c.unreadByVisitor = 0; convUpdated(c, 'read'); return send(res, 204); }
      if (action === 'typing' && m === 'POST') return send(res, 204);
      if (!me) return err(res, 403, 'forbidden', 'Không được phép.');
      if (action === 'claim' && m === 'POST') {
        if (c.assigneeId && c.assigneeId !== me.id) return err(res, 409, 'already_assigned', `${c.assigneeName} đã nhận cuộc trò chuyện này.`);
        assign(c, me, 'claimed');
        return send(res, 200, { conversation: c });
      }
      if (action === 'transfer' && m === 'POST') {
        if (c.assigneeId !== me.id && me.role !== 'admin') return err(res, 409, 'conflict', 'Chỉ người phụ trách mới chuyển được.');
        const a = S.agents.find((x) => x.id === b.agentId && !x.disabled);
        if (!a) return err(res, 400, 'invalid_input', 'Nhân viên không hợp lệ.', { fields: { agentId: 'Không hợp lệ' } });
        assign(c, a, 'transferred');
        return send(res, 200, { conversation: c });
      }
      if (action === 'resolve' && m === 'POST') {
        if (c.assigneeId !== me.id && me.role !== 'admin') return err(res, 403, 'forbidden', 'Chỉ người phụ trách mới kết thúc được.');
        c.status = 'resolved'; c.resolvedAt = now(); c.updatedAt = now();
        addMessage(c, { senderType: 'system', text: `${me.name} đã kết thúc cuộc trò chuyện.` });
        convUpdated(c, 'resolved');
        return send(res, 200, { conversation: c });
      }
      if (action === 'reopen' && m === 'POST') {
        c.resolvedAt = null;
        addMessage(c, { senderType: 'system', text: `${me.name} đã mở lại cuộc trò chuyện.` });
        assign(c, null, 'reopened');
        autoAssign(c);
        return send(res, 200, { conversation: c });
      }
    }
    if (p.startsWith('/admin/')) {
      if (!needAdmin()) return;
      if (p === '/admin/agents' && m === 'GET') return send(res, 200, { items: S.agents.map(pubAgent) });
      if (p === '/admin/agents' && m === 'POST') {
        if (S.agents.some((a) => a.email === b.email)) return err(res, 400, 'invalid_input', 'Email đã tồn tại.', { fields: { email: 'Email đã được dùng.' } });
        const a = { id: oid(), email: b.email, name: b.name, role: b.role || 'agent', disabled: false, status: 'online', createdAt: now(), updatedAt: now() };
        S.agents.push(a); S.passwords[a.id] = b.password;
        return send(res, 201, { agent: pubAgent(a) });
      }
      if ((mm = p.match(/^\/admin\/agents\/([^/]+)$/)) && m === 'PATCH') {
        const a = S.agents.find((x) => x.id === mm[1]);
        if (!a) return err(res, 404, 'not_found', 'Không tìm thấy.');
        for (const k of ['name', 'role', 'disabled']) if (b[k] !== undefined) a[k] = b[k];
        if (b.password) S.passwords[a.id] = b.password;
        a.updatedAt = now();
        return send(res, 200, { agent: pubAgent(a) });
      }
      if (p === '/admin/form-fields' && m === 'GET') return send(res, 200, { items: [...S.fields].sort((x, y) => x.order - y.order) });
      if (p === '/admin/form-fields' && m === 'POST') {
        if (!/^[a-z0-9_]+$/.test(b.key || '') || S.fields.some((f) => f.key === b.key)) return err(res, 400, 'invalid_input', 'Mã trường không hợp lệ.', { fields: { key: 'Mã trường không hợp lệ hoặc đã tồn tại.' } });
        const f = { key: b.key, label: b.label, type: b.type, required: !!b.required, options: b.options || [], order: b.order || S.fields.length + 1, enabled: b.enabled !== false, builtin: false };
        S.fields.push(f);
        return send(res, 201, { field: f });
      }
      if ((mm = p.match(/^\/admin\/form-fields\/([^/]+)$/))) {
        const f = S.fields.find((x) => x.key === mm[1]);
        if (!f) return err(res, 404, 'not_found', 'Không tìm thấy.');
        if (m === 'DELETE') { if (f.builtin) return err(res, 400, 'invalid_input', 'Không thể xoá trường mặc định.'); S.fields = S.fields.filter((x) => x !== f); return send(res, 204); }
        if (m === 'PUT') { Object.assign(f, { label: b.label, required: !!b.required, options: b.options || [], enabled: b.enabled !== false }); if (!f.builtin && b.type) f.type = b.type; return send(res, 200, { field: f }); }
      }
      if (p === '/admin/form-fields-order' && m === 'PUT') {
        (b.keys || []).forEach((k, i) => { const f = S.fields.find((x) => x.key === k); if (f) f.order = i + 1; });
        return send(res, 200, { items: [...S.fields].sort((x, y) => x.order - y.order) });
      }
      if (p === '/admin/settings' && m === 'GET') return send(res, 200, { settings: S.settings });
      if (p === '/admin/settings' && m === 'PUT') { Object.assign(S.settings, b); return send(res, 200, { settings: S.settings }); }
    }
    return err(res, 404, 'not_found', 'Không tìm thấy.');
  }

  function serveStatic(req, res, url) {
    let rel = decodeURIComponent(url.pathname.replace(/^\/dashboard\/?/, ''));
    let file = path.join(distDir, rel);
    if (!file.startsWith(distDir) || !rel || !existsSync(file) || statSync(file).isDirectory()) file = path.join(distDir, 'index.html');
    const ext = path.extname(file);
    const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' }[ext] || 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type });
    res.end(readFileSync(file));
  }

  let server;
  let wss;
  function start() {
    server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/healthz' || url.pathname === '/readyz') return send(res, 200, { status: 'ok' });
      if (url.pathname.startsWith('/api/')) return handleApi(req, res, url).catch((e) => err(res, 500, 'internal', e.message));
      if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')) return serveStatic(req, res, url);
      res.writeHead(302, { Location: '/dashboard/' });
      res.end();
    });
    wss = new WebSocketServer({ server, path: '/ws' });
    wss.on('connection', (ws) => {
      const s = { ws, kind: null, ready: false, joined: new Set() };
      sockets.add(s);
      const reply = (type, id, data) => ws.send(JSON.stringify({ type, id, data }));
      ws.on('message', (raw) => {
        let env;
        try { env = JSON.parse(String(raw)); } catch { return; }
        const { type, id, data = {} } = env;
        if (type === 'hello') {
          const who = S.tokens.get(data.token);
          if (!who) { reply('error', id, { code: 'unauthorized', message: 'Phiên không hợp lệ.' }); ws.close(4401); return; }
          s.kind = who.kind;
          if (who.kind === 'agent') {
            const a = S.agents.find((x) => x.id === who.id);
            s.agentId = a.id;
            const wasOnline = [...sockets].some((o) => o !== s && o.kind === 'agent' && o.agentId === a.id);
            s.ready = true;
            reply('session.ready', id, { role: a.role, agent: pubAgent(a), agents: S.agents.filter((x) => !x.disabled).map(presence), heartbeat: 25 });
            if (!wasOnline) {
              toAgents('agent.presence', { agentId: a.id, name: a.name, online: true, status: a.status });
              for (const c of S.convs.filter((x) => x.status === 'waiting')) autoAssign(c);
            }
          } else {
            s.convId = who.id;
            s.ready = true;
            const c = S.convs.find((x) => x.id === who.id);
            reply('session.ready', id, { role: 'visitor', conversation: c, supportOnline: true, heartbeat: 25 });
            for (const m of S.messages[c.id].filter((x) => x.seq > (data.lastSeq || 0))) ws.send(JSON.stringify({ type: 'message.created', data: { message: m } }));
            ws.send(JSON.stringify({ type: 'replay.done', data: { conversationId: c.id, lastSeq: S.messages[c.id].length } }));
          }
          return;
        }
        if (!s.ready) return;
        const convId = s.kind === 'visitor' ? s.convId : data.conversationId;
        const c = S.convs.find((x) => x.id === convId);
        const replay = (after) => {
          for (const m of (S.messages[convId] || []).filter((x) => x.seq > (after || 0))) ws.send(JSON.stringify({ type: 'message.created', data: { message: m } }));
          ws.send(JSON.stringify({ type: 'replay.done', data: { conversationId: convId, lastSeq: (S.messages[convId] || []).length } }));
        };
        if (!c && type !== 'agent.status') { if (id) reply('error', id, { code: 'not_found', message: 'Không tìm thấy.' }); return; }
        if (type === 'conversation.join') { s.joined.add(convId); reply('ack', id, { conversation: c }); replay(data.afterSeq); return; }
        if (type === 'conversation.leave') { s.joined.delete(convId); if (id) reply('ack', id, {}); return; }
        if (type === 'sync') { if (id) reply('ack', id, {}); replay(data.afterSeq); return; }
        if (type === 'conversation.read') { if (s.kind === 'agent') c.unreadByAgent = 0; else c.unreadByVisitor = 0; convUpdated(c, 'read'); if (id) reply('ack', id, {}); return; }
        if (type === 'typing') {
          const a = s.kind === 'agent' ? S.agents.find((x) => x.id === s.agentId) : null;
          if (a && c.assigneeId !== a.id) { if (id) reply('error', id, { code: 'not_assigned', message: 'Không được phép.' }); return; }
          const ev = { conversationId: c.id, senderType: s.kind, senderName: a ? a.name : c.visitor.name, typing: !!data.typing };
          if (s.kind === 'agent') emit((o) => o.kind === 'visitor' && o.convId === c.id, 'typing', ev);
          else emit((o) => o.kind === 'agent' && o.joined.has(c.id), 'typing', ev);
          if (id) reply('ack', id, {});
          return;
        }
        if (type === 'message.send') {
          const a = s.kind === 'agent' ? S.agents.find((x) => x.id === s.agentId) : null;
          if (a && c.assigneeId !== a.id) { reply('error', id, { code: 'not_assigned', message: 'Chỉ nhân viên đang phụ trách cuộc trò chuyện mới được trả lời.' }); return; }
          const r = addMessage(c, a ? { senderType: 'agent', senderId: a.id, senderName: a.name, text: data.text, clientId: data.clientId } : { senderType: 'visitor', senderName: c.visitor.name, text: data.text, clientId: data.clientId });
          if (!r.dup) convUpdated(c, 'message');
          if (id) reply('ack', id, { message: r.message });
        }
      });
      ws.on('close', () => {
        sockets.delete(s);
        if (s.kind === 'agent' && !online(s.agentId)) {
          const a = S.agents.find((x) => x.id === s.agentId);
          toAgents('agent.presence', { agentId: a.id, name: a.name, online: false, status: 'offline' });
        }
      });
    });
    return new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  }
  async function stop() {
    for (const s of sockets) s.ws.terminate();
    sockets.clear();
    await new Promise((resolve) => { wss.close(); server.close(() => resolve()); server.closeAllConnections?.(); });
  }
  await start();
  return { start, stop, state: S };
}
