import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, EmptyState, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { listAudit } from '../api/privacy.js';
import { ACTION_LABELS, actorLabel } from '../audit.js';

/** Admin: the audit log, newest first, read-only (nobody can change it). */
export function AuditPage() {
  const [action, setAction] = useState('');
  const [items, setItems] = useState([]);
  const [next, setNext] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);

  // before: the cursor of the page to append ("" for the first page).
  const show = useCallback((promise, before) => promise.then(
    (r) => {
      setItems((cur) => (before ? [...cur, ...(r?.items || [])] : r?.items || []));
      setNext(r?.next || null);
      setError(null);
      setLoading(false);
    },
    (err) => {
      setError(err);
      setLoading(false);
    },
  ), []);
  useEffect(() => {
    show(listAudit({ action }), '');
  }, [action, show]);
  const more = () => {
    setLoading(true);
    show(listAudit({ action, before: next }), next);
  };

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Nhật ký hoạt động</h1>
          <p className="text-sm text-slate-500">Đăng nhập, thay đổi cài đặt (cả webhook và email) và tài khoản, chặn khách, xuất và xóa dữ liệu: ai, làm gì, khi nào, từ đâu. Nhật ký chỉ được ghi thêm, không ai sửa hoặc xóa được.</p>
        </div>
        <select aria-label="Loại hoạt động" value={action} onChange={(e) => setAction(e.target.value)} className={`${inputClass} !w-60`} data-testid="audit-filter">
          <option value="">Tất cả hoạt động</option>
          {Object.entries(ACTION_LABELS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}
        </select>
      </div>
      {error && <Alert>{error.message}</Alert>}
      <Card className="overflow-x-auto">
        {!loading && items.length === 0 && <EmptyState>Chưa có hoạt động nào.</EmptyState>}
        {items.length > 0 && (
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit-table">
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">Thời gian</th>
                <th className="px-3 py-2">Người thực hiện</th>
                <th className="px-3 py-2">Hoạt động</th>
                <th className="px-3 py-2">Chi tiết</th>
                <th className="px-3 py-2">Địa chỉ IP</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <td className="whitespace-nowrap px-3 py-2 text-slate-600">{formatDateTime(e.at)}</td>
                  <td className="px-3 py-2">{actorLabel(e)}</td>
                  <td className="whitespace-nowrap px-3 py-2 font-medium">{ACTION_LABELS[e.action] || e.action}</td>
                  <td className="px-3 py-2 text-slate-700">{e.detail}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.ip || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {next && <Button variant="secondary" onClick={more} disabled={loading}>Xem thêm</Button>}
    </div>
  );
}

export default AuditPage;
