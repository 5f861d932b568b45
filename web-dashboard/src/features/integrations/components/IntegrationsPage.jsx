import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { useLoader, useSaveForm } from '../../../lib/hooks/index.js';
import { createWebhook, deleteWebhook, getMail, listDeliveries, listWebhooks, redeliver, saveMail, updateWebhook } from '../api/integrations.js';
import { deliveryStatus, eventLabel, lastOutcome, webhookBody } from '../webhooks.js';
import { IdentitySection } from './IdentitySection.jsx';

// A new endpoint starts subscribed to every event the server lists.
const EMPTY = { url: '', description: '', events: [], secret: '', allowPrivate: false, enabled: true };

const webhooksOf = (r) => r || { items: [], events: [] };
const mailOf = (r) => r?.mail || null;

function WebhookForm({ initial, events, onSaved, onCancel }) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fe = error?.fields || {};
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }));
  const toggle = (ev) => setForm((f) => ({ ...f, events: f.events.includes(ev) ? f.events.filter((x) => x !== ev) : [...f.events, ev] }));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = webhookBody(form, events);
      const res = initial.id ? await updateWebhook(initial.id, body) : await createWebhook(body);
      onSaved(res.webhook);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label={initial.id ? 'Sửa webhook' : 'Thêm webhook'} data-testid="webhook-form">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        <Field label="Địa chỉ nhận (URL)" htmlFor="wh-url" error={fe.url}>
          <input id="wh-url" value={form.url} onChange={set('url')} className={`${inputClass} font-mono`} placeholder="https://shop.example.vn/chatdesk/webhook" />
        </Field>
        <Field label="Mô tả" htmlFor="wh-description" error={fe.description}>
          <input id="wh-description" value={form.description} onChange={set('description')} className={inputClass} placeholder="CRM, hệ thống đơn hàng…" />
        </Field>
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">Sự kiện</legend>
        <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
          {events.map((ev) => (
            <label key={ev} className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={form.events.includes(ev)} onChange={() => toggle(ev)} data-testid={`wh-event-${ev}`} />
              <span>{eventLabel(ev)}</span>
              <code className="text-xs text-slate-600">{ev}</code>
            </label>
          ))}
        </div>
        {fe.events && <p className="mt-1 text-xs text-red-600">{fe.events}</p>}
      </fieldset>
      <Field
        label="Khóa ký (secret)"
        htmlFor="wh-secret"
        error={fe.secret}
        hint={initial.id ? `Để trống để giữ khóa đã lưu (${initial.secretHint || '…'}).` : 'Để trống để hệ thống tạo khóa ngẫu nhiên; khóa chỉ hiện một lần sau khi lưu.'}
      >
        <input id="wh-secret" type="password" autoComplete="new-password" value={form.secret} onChange={set('secret')} className={`${inputClass} font-mono`} />
      </Field>
      <div className="flex flex-wrap gap-4 text-sm text-slate-700">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={!!form.enabled} onChange={set('enabled')} data-testid="wh-enabled" /> Đang bật
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={!!form.allowPrivate} onChange={set('allowPrivate')} data-testid="wh-allow-private" /> Cho phép địa chỉ nội bộ (localhost, 10.x, 192.168.x…)
        </label>
      </div>
      {error && <Alert>{error.message || 'Vui lòng kiểm tra lại các trường được đánh dấu.'}</Alert>}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy} data-testid="wh-save">Lưu</Button>
        <Button variant="secondary" onClick={onCancel}>Hủy</Button>
      </div>
    </form>
  );
}

function Deliveries({ endpointId, refresh }) {
  const fetcher = useCallback(() => listDeliveries(endpointId), [endpointId]);
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const load = useCallback(() => fetcher().then((r) => { setItems(r.items || []); setError(null); }, setError), [fetcher]);
  useEffect(() => {
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, [load, refresh]);
  const again = async (d) => {
    setNote('');
    try {
      await redeliver(d.id);
      setNote('Đã xếp hàng gửi lại.');
      load();
    } catch (err) {
      setNote(err.message);
    }
  };
  if (error) return <Alert>{error.message}</Alert>;
  if (!items) return <p className="text-sm text-slate-600">Đang tải…</p>;
  if (items.length === 0) return <p className="text-sm text-slate-600">Chưa có lần gửi nào.</p>;
  return (
    <div className="space-y-2">
      {note && <Alert tone="success">{note}</Alert>}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="deliveries">
          <thead className="text-xs text-slate-600">
            <tr>
              <th className="py-1 pr-3 font-medium">Thời gian</th>
              <th className="py-1 pr-3 font-medium">Sự kiện</th>
              <th className="py-1 pr-3 font-medium">Trạng thái</th>
              <th className="py-1 pr-3 font-medium">Lần thử</th>
              <th className="py-1 pr-3 font-medium">Kết quả gần nhất</th>
              <th className="py-1" />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const st = deliveryStatus(d);
              return (
                <tr key={d.id} className="border-t border-slate-100 align-top" data-testid="delivery-row" data-status={d.status}>
                  <td className="py-1.5 pr-3 whitespace-nowrap text-slate-600">{formatDateTime(d.createdAt)}</td>
                  <td className="py-1.5 pr-3">{eventLabel(d.event)}</td>
                  <td className="py-1.5 pr-3"><Badge tone={st.tone}>{st.label}</Badge></td>
                  <td className="py-1.5 pr-3 text-slate-600">{d.attempts}</td>
                  <td className="py-1.5 pr-3 break-all text-slate-600">{lastOutcome(d)}</td>
                  <td className="py-1.5 text-right">
                    <Button size="sm" variant="secondary" onClick={() => again(d)} data-testid="redeliver">Gửi lại</Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Endpoint({ ep, events, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState(false);
  const remove = async () => {
    if (!window.confirm(`Xóa webhook ${ep.url}?`)) return;
    await deleteWebhook(ep.id);
    onChanged();
  };
  return (
    <Card className="space-y-3 p-4" data-testid="webhook">
      {editing ? (
        <WebhookForm initial={{ ...EMPTY, ...ep, secret: '' }} events={events} onSaved={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} />
      ) : (
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <p className="break-all font-mono text-sm text-slate-900">{ep.url}</p>
            {ep.description && <p className="text-sm text-slate-600">{ep.description}</p>}
            <div className="mt-1 flex flex-wrap gap-1">
              {ep.enabled ? <Badge tone="green">Đang bật</Badge> : <Badge>Đã tắt</Badge>}
              {ep.allowPrivate && <Badge tone="waiting">Cho phép địa chỉ nội bộ</Badge>}
              {ep.events.map((e) => <Badge key={e} tone="assigned">{eventLabel(e)}</Badge>)}
            </div>
            {ep.secretHint && <p className="mt-1 text-xs text-slate-600">Khóa ký: {ep.secretHint}</p>}
          </div>
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => setOpen((o) => !o)} data-testid="show-deliveries">{open ? 'Ẩn lần gửi' : 'Lần gửi gần đây'}</Button>
            <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>Sửa</Button>
            <Button size="sm" variant="danger" onClick={remove}>Xóa</Button>
          </div>
        </div>
      )}
      {open && <Deliveries endpointId={ep.id} />}
    </Card>
  );
}

function Webhooks() {
  const { value, loading, error, reload } = useLoader(listWebhooks, webhooksOf);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState(null);
  const events = value?.events || [];
  return (
    <section className="space-y-3" aria-labelledby="webhooks-title">
      <div className="flex items-center justify-between gap-2">
        <div>
          <h2 id="webhooks-title" className="text-lg font-semibold text-slate-900">Webhook</h2>
          <p className="text-sm text-slate-600">Gửi sự kiện đến hệ thống của bạn (CRM, đơn hàng). Mỗi lần gửi được ký bằng HMAC-SHA256 (X-Chatdesk-Signature) và thử lại trong 24 giờ nếu máy nhận lỗi.</p>
        </div>
        {!adding && <Button onClick={() => { setAdding(true); setSecret(null); }} data-testid="add-webhook">Thêm webhook</Button>}
      </div>
      {error && <Alert>{error.message}</Alert>}
      {secret && (
        <Alert tone="success">
          <span className="block">Khóa ký của webhook mới — hãy lưu lại, khóa sẽ không hiện lại:</span>
          <code className="break-all font-mono" data-testid="new-secret">{secret}</code>
        </Alert>
      )}
      {adding && (
        <Card className="p-4">
          <WebhookForm initial={{ ...EMPTY, events }} events={events} onSaved={(w) => { setAdding(false); setSecret(w.secret || null); reload(); }} onCancel={() => setAdding(false)} />
        </Card>
      )}
      {loading && !value && <p className="text-sm text-slate-600">Đang tải…</p>}
      {value && value.items.length === 0 && !adding && <p className="text-sm text-slate-600">Chưa có webhook nào.</p>}
      {value?.items.map((ep) => <Endpoint key={ep.id} ep={ep} events={events} onChanged={reload} />)}
    </section>
  );
}

function toMailForm(m) {
  return { ...m, password: '', port: String(m.port || 587), notifyEveryMinutes: String(m.notifyEveryMinutes || 15) };
}

async function storeMail(form) {
  const res = await saveMail({
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    username: form.username.trim(),
    password: form.password, // "" keeps the stored password
    from: form.from.trim(),
    notifyWaiting: !!form.notifyWaiting,
    notifyEveryMinutes: Number(form.notifyEveryMinutes),
  });
  return toMailForm(res.mail);
}

function MailForm({ initial }) {
  const { form, set, submit, error, saved, busy } = useSaveForm(() => toMailForm(initial), storeMail);
  const fe = error?.fields || {};
  const env = !!form.fromEnv;
  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Cài đặt email" data-testid="mail-form">
      {env && <Alert tone="info">Máy chủ SMTP được cấu hình bằng biến môi trường (CHATDESK_SMTP_URL); ở đây chỉ đổi được thông báo.</Alert>}
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <Field label="Máy chủ SMTP" htmlFor="mail-host" error={fe.host} hint="Để trống: không gửi email.">
          <input id="mail-host" value={form.host} onChange={set('host')} disabled={env} className={`${inputClass} font-mono`} placeholder="smtp.gmail.com" />
        </Field>
        <Field label="Cổng" htmlFor="mail-port" error={fe.port}>
          <input id="mail-port" type="number" min={1} max={65535} value={form.port} onChange={set('port')} disabled={env} className={inputClass} />
        </Field>
        <Field label="Bảo mật" htmlFor="mail-security" error={fe.security}>
          <select id="mail-security" value={form.security} onChange={set('security')} disabled={env} className={inputClass}>
            <option value="starttls">STARTTLS (cổng 587)</option>
            <option value="tls">TLS (cổng 465)</option>
            <option value="none">Không mã hóa (máy chủ nội bộ)</option>
          </select>
        </Field>
        <Field label="Tên đăng nhập" htmlFor="mail-username" error={fe.username}>
          <input id="mail-username" value={form.username} onChange={set('username')} disabled={env} className={inputClass} autoComplete="off" />
        </Field>
        <Field label="Mật khẩu" htmlFor="mail-password" error={fe.password} hint={form.passwordSet ? 'Để trống để giữ mật khẩu đã lưu.' : 'Chưa có mật khẩu.'}>
          <input id="mail-password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} disabled={env} className={inputClass} placeholder={form.passwordSet ? '••••••••' : ''} />
        </Field>
        <Field label="Người gửi" htmlFor="mail-from" error={fe.from}>
          <input id="mail-from" value={form.from} onChange={set('from')} disabled={env} className={inputClass} placeholder="Hỗ trợ <hotro@example.vn>" />
        </Field>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={!!form.notifyWaiting} onChange={set('notifyWaiting')} data-testid="mail-notify" /> Báo quản trị viên khi có khách chờ mà không ai trực tuyến
        </label>
        <Field label="Tối đa một thông báo mỗi (phút)" htmlFor="mail-every" error={fe.notifyEveryMinutes}>
          <input id="mail-every" type="number" min={1} max={1440} value={form.notifyEveryMinutes} onChange={set('notifyEveryMinutes')} className={`${inputClass} w-28`} />
        </Field>
      </div>
      {error && <Alert>{error.message || 'Vui lòng kiểm tra lại các trường được đánh dấu.'}</Alert>}
      {saved && <Alert tone="success">Đã lưu cài đặt email.</Alert>}
      <Button type="submit" disabled={busy} data-testid="mail-save">Lưu</Button>
    </form>
  );
}

function Mail() {
  const { value, loading, error } = useLoader(getMail, mailOf);
  return (
    <section className="space-y-3" aria-labelledby="mail-title">
      <div>
        <h2 id="mail-title" className="text-lg font-semibold text-slate-900">Email (SMTP)</h2>
        <p className="text-sm text-slate-600">Gửi bản ghi cuộc trò chuyện cho khách khi khách yêu cầu, và báo quản trị viên khi khách phải chờ.</p>
      </div>
      {error && <Alert>{error.message}</Alert>}
      {loading && !value && <p className="text-sm text-slate-600">Đang tải…</p>}
      {value && (
        <Card className="p-4">
          <MailForm initial={value} />
        </Card>
      )}
    </section>
  );
}

export function IntegrationsPage() {
  return (
    <div className="mx-auto w-full max-w-5xl space-y-8 p-4 md:p-6">
      <h1 className="text-xl font-semibold text-slate-900">Tích hợp</h1>
      <Webhooks />
      <Mail />
      <IdentitySection />
    </div>
  );
}

export default IntegrationsPage;
