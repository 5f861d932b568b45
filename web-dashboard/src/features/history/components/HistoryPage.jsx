import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Badge, Button, Card, EmptyState, Spinner, inputClass } from '../../../components/ui/index.jsx';
import { PriorityBadge, Stars, TagList } from '../../../components/ui/support.jsx';
import { formatDateTime, PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from '../../../lib/format/index.js';
import { useHistorySearch } from '../hooks/useHistorySearch.js';

const STATUS_OPTIONS = [
  ['', 'Tất cả trạng thái'],
  ['waiting', 'Đang chờ'],
  ['assigned', 'Đang xử lý'],
  ['resolved', 'Đã kết thúc'],
];

export function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const filters = {
    q: params.get('q') || '',
    status: params.get('status') || '',
    from: params.get('from') || '',
    to: params.get('to') || '',
    priority: params.get('priority') || '',
    tag: params.get('tag') || '',
    sort: params.get('sort') || '',
  };
  const pageSize = Math.min(100, Math.max(1, Number(params.get('limit')) || 20));
  const [form, setForm] = useState(filters);
  const search = useHistorySearch({ ...filters, limit: pageSize });

  const submit = (e) => {
    e.preventDefault();
    const next = {};
    for (const [k, v] of Object.entries(form)) if (v) next[k] = v.trim ? v.trim() : v;
    if (params.get('limit')) next.limit = params.get('limit');
    setParams(next);
  };
  const reset = () => {
    setForm({ q: '', status: '', from: '', to: '', priority: '', tag: '', sort: '' });
    setParams({});
  };
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 overflow-y-auto p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Lịch sử &amp; tìm kiếm</h1>
        <p className="text-sm text-slate-600">Tìm theo tên hoặc một phần số điện thoại, trạng thái và khoảng ngày bắt đầu.</p>
      </div>
      <Card className="p-4">
        <form onSubmit={submit} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" aria-label="Bộ lọc tìm kiếm">
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Tên hoặc số điện thoại</span>
            <input name="q" type="search" value={form.q} onChange={set('q')} placeholder="VD: Bình hoặc 0912 345" className={inputClass} />
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Trạng thái</span>
            <select name="status" value={form.status} onChange={set('status')} className={inputClass}>
              {STATUS_OPTIONS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Từ ngày</span>
            <input name="from" type="date" value={form.from} onChange={set('from')} className={inputClass} />
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Đến ngày</span>
            <input name="to" type="date" value={form.to} onChange={set('to')} className={inputClass} />
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Mức ưu tiên</span>
            <select name="priority" value={form.priority} onChange={set('priority')} className={inputClass}>
              <option value="">Tất cả mức ưu tiên</option>
              {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
            </select>
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Nhãn</span>
            <input name="tag" value={form.tag} onChange={set('tag')} placeholder="VD: vip" className={inputClass} />
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Sắp xếp</span>
            <select name="sort" value={form.sort} onChange={set('sort')} className={inputClass}>
              <option value="">Mới nhất</option>
              <option value="priority">Ưu tiên</option>
            </select>
          </label>
          <div className="flex items-end gap-2">
            <Button type="submit" data-testid="history-search">Tìm kiếm</Button>
            <Button variant="ghost" onClick={reset}>Xoá lọc</Button>
          </div>
        </form>
      </Card>
      {search.error && <Alert>{search.error.message}</Alert>}
      <Card className="overflow-hidden">
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="history-results">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-4 py-2.5">Khách</th>
                <th className="px-4 py-2.5">Số điện thoại</th>
                <th className="px-4 py-2.5">Trạng thái</th>
                <th className="px-4 py-2.5">Ưu tiên &amp; nhãn</th>
                <th className="px-4 py-2.5">Đánh giá</th>
                <th className="px-4 py-2.5">Phụ trách</th>
                <th className="px-4 py-2.5">Bắt đầu</th>
                <th className="px-4 py-2.5">Tin nhắn cuối</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {search.items.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50" data-testid="history-row" data-conversation-id={c.id}>
                  <td className="px-4 py-2.5 font-medium">
                    <Link to={`/history/${c.id}`} className="text-blue-700 hover:underline">{c.visitor?.name || 'Khách'}</Link>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-slate-700">{c.visitor?.phone || '—'}</td>
                  <td className="px-4 py-2.5"><Badge tone={c.status}>{STATUS_LABELS[c.status] || c.status}</Badge></td>
                  <td className="px-4 py-2.5"><span className="flex flex-wrap items-center gap-1"><PriorityBadge priority={c.priority} always /><TagList tags={c.tags} /></span></td>
                  <td className="px-4 py-2.5" title={c.rating?.comment || undefined}>{c.rating ? <Stars stars={c.rating.stars} /> : <span className="text-slate-600">—</span>}</td>
                  <td className="px-4 py-2.5 text-slate-700">{c.assigneeName || '—'}</td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">{formatDateTime(c.createdAt)}</td>
                  <td className="max-w-xs truncate px-4 py-2.5 text-slate-600">{c.lastMessage?.text || ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {search.loading && (
          <div className="flex items-center justify-center gap-2 py-6 text-sm text-slate-600"><Spinner /> Đang tìm…</div>
        )}
        {!search.loading && search.items.length === 0 && <EmptyState>Không tìm thấy cuộc trò chuyện nào.</EmptyState>}
        <div className="flex items-center justify-between border-t border-slate-200 px-4 py-2.5 text-sm">
          <span className="text-slate-600">Trang {search.page + 1}</span>
          <div className="flex gap-2">
            <Button variant="secondary" size="sm" onClick={search.prevPage} disabled={!search.hasPrev || search.loading}>← Trang trước</Button>
            <Button variant="secondary" size="sm" onClick={search.nextPage} disabled={!search.hasNext || search.loading} data-testid="history-next">Trang sau →</Button>
          </div>
        </div>
      </Card>
    </div>
  );
}

export default HistoryPage;
