import { Fragment, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Badge, Button, Card, DateInput, EmptyState, Spinner, inputClass } from '../../../components/ui/index.jsx';
import { PriorityBadge, Stars, TagList } from '../../../components/ui/support.jsx';
import { formatDateTime, PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from '../../../lib/format/index.js';
import { fieldAria, formatDmy, hasErrors, parseDmy, rules, validate } from '../../../lib/validation/index.js';
import { useHistorySearch } from '../hooks/useHistorySearch.js';
import { exportConversations } from '../api/search.js';
import { CsvDialectSelect, saveBlob, useCsvDialect } from '../../../components/csv/index.jsx';
import { MATCH_KIND_LABELS, Snippet } from './Snippet.jsx';

// The dates are typed dd/mm/yyyy; the URL (and the API) keep YYYY-MM-DD.
const DATES = { from: [rules.date()], to: [rules.date()] };

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
  const [form, setForm] = useState({ ...filters, from: formatDmy(filters.from), to: formatDmy(filters.to) });
  const [invalid, setInvalid] = useState({});
  const search = useHistorySearch({ ...filters, limit: pageSize });

  const submit = (e) => {
    e.preventDefault();
    const bad = validate(DATES, form);
    setInvalid(bad);
    if (hasErrors(bad)) return;
    const next = {};
    for (const [k, v] of Object.entries({ ...form, from: parseDmy(form.from), to: parseDmy(form.to) })) if (v) next[k] = v.trim ? v.trim() : v;
    if (params.get('limit')) next.limit = params.get('limit');
    setParams(next);
  };
  const reset = () => {
    setForm({ q: '', status: '', from: '', to: '', priority: '', tag: '', sort: '' });
    setInvalid({});
    setParams({});
  };
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const [exporting, setExporting] = useState({ busy: false, error: null });
  const [sep, setSep] = useCsvDialect();
  const downloadCsv = async () => {
    setExporting({ busy: true, error: null });
    try {
      saveBlob(await exportConversations({ ...filters, sep }), 'lich-su-tim-kiem.csv');
      setExporting({ busy: false, error: null });
    } catch (error) {
      setExporting({ busy: false, error });
    }
  };

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 overflow-y-auto p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Lịch sử &amp; tìm kiếm</h1>
        <p className="text-sm text-slate-600">Tìm trong nội dung tin nhắn, ghi chú nội bộ và câu trả lời biểu mẫu (không cần gõ dấu, khớp nguyên từ; đặt cụm từ trong "ngoặc kép"), theo tên hoặc một phần số điện thoại, trạng thái và khoảng ngày bắt đầu.</p>
      </div>
      <Card className="p-4">
        <form onSubmit={submit} noValidate className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" aria-label="Bộ lọc tìm kiếm" data-testid="history-filters">
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Nội dung, tên hoặc số điện thoại</span>
            <input name="q" type="search" value={form.q} onChange={set('q')} placeholder="VD: giay dep, #1234 hoặc 0912 345" className={inputClass} />
          </label>
          <label className="space-y-1">
            <span className="block text-xs font-medium text-slate-600">Trạng thái</span>
            <select name="status" value={form.status} onChange={set('status')} className={inputClass}>
              {STATUS_OPTIONS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </label>
          <div className="space-y-1">
            <label htmlFor="history-from" className="block text-xs font-medium text-slate-600">Từ ngày</label>
            <DateInput id="history-from" name="from" value={form.from} onChange={set('from')} {...fieldAria('history-from', invalid.from)} />
            {invalid.from && <p id="history-from-error" className="text-xs text-red-600" data-testid="field-error">{invalid.from}</p>}
          </div>
          <div className="space-y-1">
            <label htmlFor="history-to" className="block text-xs font-medium text-slate-600">Đến ngày</label>
            <DateInput id="history-to" name="to" value={form.to} onChange={set('to')} {...fieldAria('history-to', invalid.to)} />
            {invalid.to && <p id="history-to-error" className="text-xs text-red-600" data-testid="field-error">{invalid.to}</p>}
          </div>
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
          <CsvDialectSelect id="history-csv-dialect" value={sep} onChange={setSep} />
          <div className="flex items-end gap-2">
            <Button type="submit" data-testid="history-search">Tìm kiếm</Button>
            <Button variant="ghost" onClick={reset}>Xoá lọc</Button>
            <Button variant="secondary" onClick={downloadCsv} disabled={exporting.busy} data-testid="history-export" title="Tối đa 5.000 dòng">
              {exporting.busy ? 'Đang xuất…' : 'Xuất CSV'}
            </Button>
          </div>
        </form>
      </Card>
      {search.error && <Alert>{search.error.message}</Alert>}
      {exporting.error && <Alert>{exporting.error.message}</Alert>}
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
                <Fragment key={c.id}>
                <tr className="hover:bg-slate-50" data-testid="history-row" data-conversation-id={c.id}>
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
                {(search.matches[c.id] || []).map((m) => (
                  <tr key={`${c.id}:${m.kind}:${m.seq}`} className="bg-slate-50/60" data-testid="history-match" data-kind={m.kind} data-seq={m.seq}>
                    <td colSpan={8} className="px-4 pb-2.5 pl-8 text-slate-700">
                      <span className="mr-2 text-xs font-medium text-slate-600">{MATCH_KIND_LABELS[m.kind] || m.kind} · {formatDateTime(m.at)}</span>
                      <Snippet snippet={m.snippet} />
                      <Link to={m.kind === 'answer' ? `/history/${c.id}` : `/history/${c.id}?seq=${m.seq}`} className="ml-2 whitespace-nowrap text-blue-700 hover:underline" data-testid="match-open">Xem trong hội thoại</Link>
                    </td>
                  </tr>
                ))}
                </Fragment>
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
