import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, EmptyState, Field, inputClass } from '../../../components/ui/index.jsx';
import { useAuth } from '../../auth/index.js';
import { fieldAria, hasErrors, rules, validate } from '../../../lib/validation/index.js';
import { adminCannedApi, agentCannedApi } from '../api/canned.js';

const EMPTY = { shortcut: '', title: '', text: '' };
const REPLY_SCHEMA = {
  // The server's rule (it lowercases) and its words.
  shortcut: [rules.required('phím tắt'), rules.pattern(/^[a-zA-Z0-9_-]{1,30}$/, 'Phím tắt gồm 1–30 ký tự a-z, 0-9, - hoặc _.')],
  title: [rules.required('tiêu đề')],
  text: [rules.required('nội dung')],
};

function ReplyForm({ initial, onSave, onCancel, submitLabel }) {
  const [form, setForm] = useState(initial || EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState({});
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const fe = { ...(error?.fields || {}), ...invalid };
  // 409 conflict names the shortcut even when `fields` is missing
  const shortcutError = fe.shortcut || (error?.status === 409 ? error.message : null);
  const submit = async (e) => {
    e.preventDefault();
    const bad = validate(REPLY_SCHEMA, form);
    setInvalid(bad);
    if (hasErrors(bad)) {
      document.getElementById(`${idp}-${Object.keys(bad)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave({ shortcut: form.shortcut.trim(), title: form.title.trim(), text: form.text.trim() });
      if (!initial) setForm(EMPTY);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const idp = initial ? `edit-${initial.id}` : 'new';
  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid={initial ? 'canned-edit-form' : 'canned-new-form'}>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[12rem_1fr]">
        <Field label="Phím tắt" htmlFor={`${idp}-shortcut`} error={shortcutError} hint="Gõ / và phím tắt trong ô soạn tin.">
          <div className="flex items-center rounded-md ring-1 ring-inset ring-slate-300 focus-within:ring-2 focus-within:ring-blue-600">
            <span className="pl-3 font-mono text-sm text-slate-600">/</span>
            <input id={`${idp}-shortcut`} name="shortcut" aria-required="true" maxLength={30} value={form.shortcut} onChange={set('shortcut')} className="block w-full rounded-md border-0 bg-transparent py-2 pl-1 pr-3 font-mono text-sm focus:ring-0" placeholder="xinchao" {...fieldAria(`${idp}-shortcut`, shortcutError)} />
          </div>
        </Field>
        <Field label="Tiêu đề" htmlFor={`${idp}-title`} error={fe.title}>
          <input id={`${idp}-title`} name="title" aria-required="true" {...fieldAria(`${idp}-title`, fe.title)} maxLength={60} value={form.title} onChange={set('title')} className={inputClass} placeholder="Lời chào" />
        </Field>
      </div>
      <Field label="Nội dung" htmlFor={`${idp}-text`} error={fe.text} hint="Biến được điền khi chèn: {ten_khach}, {sdt}, {ten_nhan_vien} và mã trường biểu mẫu, VD {san_pham}.">
        <textarea id={`${idp}-text`} name="text" aria-required="true" {...fieldAria(`${idp}-text`, fe.text)} rows={3} maxLength={2000} value={form.text} onChange={set('text')} className={inputClass} placeholder="Xin chào anh/chị, em có thể giúp gì ạ?" />
      </Field>
      {error && !fe.shortcut && !fe.title && !fe.text && error.status !== 409 && <Alert>{error.message}</Alert>}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy} data-testid="canned-save">{submitLabel}</Button>
        {onCancel && <Button variant="ghost" onClick={onCancel}>Huỷ</Button>}
      </div>
    </form>
  );
}

function CannedManager({ scope }) {
  const { agent } = useAuth();
  const client = scope === 'admin' ? adminCannedApi : agentCannedApi;
  const [items, setItems] = useState([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null);

  const load = useCallback(() => client.list().then(
    (res) => { setItems(res?.items || []); setError(null); setLoading(false); },
    (err) => { setError(err); setLoading(false); },
  ), [client]);
  useEffect(() => {
    let cancelled = false;
    client.list().then(
      (res) => { if (!cancelled) { setItems(res?.items || []); setLoading(false); } },
      (err) => { if (!cancelled) { setError(err); setLoading(false); } },
    );
    return () => { cancelled = true; };
  }, [client]);

  const editable = (r) => (scope === 'admin' ? !r.ownerId : r.ownerId && r.ownerId === agent?.id);
  const remove = async (r) => {
    if (!globalThis.confirm(`Xoá câu trả lời nhanh /${r.shortcut}?`)) return;
    try {
      await client.remove(r.id);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="space-y-4">
      <Card className="p-4">
        <h2 className="mb-3 text-sm font-semibold text-slate-900">{scope === 'admin' ? 'Thêm câu trả lời dùng chung' : 'Thêm câu trả lời của bạn'}</h2>
        <ReplyForm submitLabel="Thêm" onSave={async (body) => { await client.create(body); await load(); }} />
      </Card>
      {error && <Alert>{error.message}</Alert>}
      <Card className="divide-y divide-slate-100" data-testid="canned-list">
        {loading && <EmptyState>Đang tải…</EmptyState>}
        {!loading && items.length === 0 && <EmptyState>Chưa có câu trả lời nhanh nào.</EmptyState>}
        {items.map((r) => (
          <div key={r.id} className="p-4" data-testid="canned-item" data-shortcut={r.shortcut}>
            {editing === r.id ? (
              <ReplyForm
                initial={r}
                submitLabel="Lưu"
                onCancel={() => setEditing(null)}
                onSave={async (body) => { await client.update(r.id, body); setEditing(null); await load(); }}
              />
            ) : (
              <div className="flex items-start gap-3">
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-baseline gap-2">
                    <span className="font-mono text-sm text-blue-700">/{r.shortcut}</span>
                    <span className="font-medium text-slate-900">{r.title}</span>
                    {!r.ownerId && scope !== 'admin' && <span className="rounded bg-slate-100 px-1.5 text-[11px] text-slate-600">Dùng chung</span>}
                  </div>
                  <p className="mt-1 whitespace-pre-wrap text-sm text-slate-600">{r.text}</p>
                </div>
                {editable(r) && (
                  <div className="flex shrink-0 gap-1">
                    <Button variant="secondary" size="sm" onClick={() => setEditing(r.id)}>Sửa</Button>
                    <Button variant="danger" size="sm" onClick={() => remove(r)}>Xoá</Button>
                  </div>
                )}
              </div>
            )}
          </div>
        ))}
      </Card>
    </div>
  );
}

/** /canned: the agent's own replies (shared ones listed read-only). */
export function CannedRepliesPage() {
  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Trả lời nhanh</h1>
        <p className="text-sm text-slate-600">Câu trả lời của riêng bạn. Trong ô soạn tin, gõ <span className="font-mono">/</span> và phím tắt để chèn.</p>
      </div>
      <CannedManager scope="agent" />
    </div>
  );
}

/** /admin/canned: shared replies, for every agent. */
export function AdminCannedRepliesPage() {
  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Trả lời nhanh dùng chung</h1>
        <p className="text-sm text-slate-600">Mọi nhân viên đều dùng được các câu trả lời này.</p>
      </div>
      <CannedManager scope="admin" />
    </div>
  );
}
