import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, EmptyState, Field, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { fieldAria, hasErrors, rules, validate } from '../../../lib/validation/index.js';
import { addBlock, listBlocks, removeBlock } from '../api/blocks.js';
import { DURATIONS, KIND_LABELS, blockState } from '../blocks.js';

const EMPTY = { kind: 'phone', value: '', reason: '', hours: 24 * 30 };

function AddBlockForm({ onAdded }) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState({});
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const fe = { ...(error?.fields || {}), ...invalid };
  const submit = async (e) => {
    e.preventDefault();
    const bad = validate({ value: [rules.required(form.kind === 'phone' ? 'số điện thoại' : form.kind === 'ip' ? 'địa chỉ IP' : 'mã cuộc trò chuyện')] }, form);
    setInvalid(bad);
    if (hasErrors(bad)) {
      document.getElementById('nb-value')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await addBlock({ kind: form.kind, value: form.value.trim(), reason: form.reason.trim(), durationHours: Number(form.hours) });
      setForm(EMPTY);
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const placeholder = form.kind === 'phone' ? '0912 345 678' : form.kind === 'ip' ? '203.0.113.7 hoặc 203.0.113.0/24' : 'mã cuộc trò chuyện (24 ký tự)';
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Thêm chặn</h2>
      <form onSubmit={submit} noValidate className="grid grid-cols-1 items-start gap-3 md:grid-cols-[180px_1fr_1fr_140px_auto]" aria-label="Thêm chặn">
        <Field label="Chặn theo" htmlFor="nb-kind" error={error?.fields?.kind}>
          <select id="nb-kind" value={form.kind} onChange={set('kind')} className={inputClass}>
            {Object.entries(KIND_LABELS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
          </select>
        </Field>
        <Field label="Giá trị" htmlFor="nb-value" error={fe.value}>
          <input id="nb-value" aria-required="true" {...fieldAria('nb-value', fe.value)} value={form.value} onChange={set('value')} className={inputClass} placeholder={placeholder} data-testid="new-block-value" />
        </Field>
        <Field label="Lý do" htmlFor="nb-reason" error={error?.fields?.reason}>
          <input id="nb-reason" value={form.reason} onChange={set('reason')} maxLength={300} className={inputClass} />
        </Field>
        <Field label="Thời hạn" htmlFor="nb-hours" error={error?.fields?.durationHours}>
          <select id="nb-hours" value={form.hours} onChange={set('hours')} className={inputClass}>
            {DURATIONS.map((d) => <option key={d.hours} value={d.hours}>{d.label}</option>)}
          </select>
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={busy} data-testid="new-block-submit">Chặn</Button>
        </div>
      </form>
      {error && !error.fields && <Alert className="mt-3">{error.message}</Alert>}
    </Card>
  );
}

/** Admin: every block (active and expired), add one, lift one. */
export function BlocksPage() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = useCallback(() => listBlocks().then((r) => { setItems(r?.items || []); setError(null); }, setError), []);
  useEffect(() => {
    load();
  }, [load]);
  const lift = async (b) => {
    try {
      await removeBlock(b.id);
      load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Chặn khách</h1>
        <p className="text-sm text-slate-600">Khách bị chặn không mở được cuộc trò chuyện mới và không gửi được tin nhắn. Nhân viên chặn từ cuộc trò chuyện; mọi lần chặn đều có thời hạn (tối đa 1 năm) và được ghi vào nhật ký.</p>
      </div>
      <AddBlockForm onAdded={load} />
      {error && <Alert>{error.message}</Alert>}
      <Card className="overflow-x-auto">
        {items && items.length === 0 && <EmptyState>Chưa chặn ai.</EmptyState>}
        {items && items.length > 0 && (
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="blocks-table">
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-3 py-2">Chặn theo</th>
                <th className="px-3 py-2">Giá trị</th>
                <th className="px-3 py-2">Lý do</th>
                <th className="px-3 py-2">Người chặn</th>
                <th className="px-3 py-2">Đến</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((b) => {
                const active = blockState(b) === 'active';
                return (
                  <tr key={b.id} className={active ? '' : 'text-slate-500'} data-testid="block-row">
                    <td className="px-3 py-2">{KIND_LABELS[b.kind] || b.kind}</td>
                    <td className="px-3 py-2 font-mono text-xs">{b.value}</td>
                    <td className="px-3 py-2">{b.reason || '—'}</td>
                    <td className="px-3 py-2">{b.createdByName || '—'}<div className="text-xs text-slate-600">{formatDateTime(b.createdAt)}</div></td>
                    <td className="px-3 py-2">{active ? formatDateTime(b.expiresAt) : <Badge>Đã hết hạn</Badge>}</td>
                    <td className="px-3 py-2 text-right">
                      <Button variant="secondary" size="sm" onClick={() => lift(b)} data-testid="block-remove">{active ? 'Bỏ chặn' : 'Xóa'}</Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export default BlocksPage;
