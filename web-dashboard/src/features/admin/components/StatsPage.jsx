import { useEffect, useState } from 'react';
import { Alert, Button, Card, DateInput, EmptyState } from '../../../components/ui/index.jsx';
import { Stars } from '../../../components/ui/support.jsx';
import { BarChart } from '../../../components/charts/BarChart.jsx';
import { addDays, formatDuration, vietnamToday } from '../../../lib/format/index.js';
import { fieldAria, formatDmy, hasErrors, parseDmy, rules, validate } from '../../../lib/validation/index.js';
import { getStats, getStatsCsv } from '../api/stats.js';
import { CsvDialectSelect, saveBlob, useCsvDialect } from '../../../components/csv/index.jsx';

const RANGE_SCHEMA = { from: [rules.required('ngày bắt đầu'), rules.date()], to: [rules.required('ngày kết thúc'), rules.date()] };

/** Checks the typed range: {errors} or {range} in YYYY-MM-DD. */
function readRange(form) {
  const errors = validate(RANGE_SCHEMA, form);
  if (!hasErrors(errors) && parseDmy(form.from) > parseDmy(form.to)) errors.from = 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.';
  return hasErrors(errors) ? { errors } : { range: { from: parseDmy(form.from), to: parseDmy(form.to) } };
}

const fmtAvg = (v) => (v === null || v === undefined ? '—' : (Math.round(v * 10) / 10).toString().replace('.', ','));
const dayLabel = (d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;
const dayTitle = (d) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

function StatCard({ label, value, testId, hint }) {
  return (
    <Card className="p-4">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</div>
      <div className="mt-1 text-2xl font-semibold text-slate-900" data-testid={testId}>{value}</div>
      {hint && <div className="mt-0.5 text-xs text-slate-600">{hint}</div>}
    </Card>
  );
}

function RatingDistribution({ ratings }) {
  const dist = ratings?.distribution || {};
  const total = ratings?.count || 0;
  return (
    <div className="space-y-1.5" data-testid="rating-distribution">
      {[5, 4, 3, 2, 1].map((s) => {
        const n = dist[String(s)] || 0;
        const pct = total ? (n / total) * 100 : 0;
        return (
          <div key={s} className="flex items-center gap-2 text-sm" data-dist-stars={s} data-count={n}>
            <span className="w-20 shrink-0"><Stars stars={s} size="text-xs" /></span>
            <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="h-3 flex-1" role="img" aria-label={`${s} sao: ${n} lượt`}>
              <rect x="0" y="0" width="100" height="8" rx="2" className="fill-slate-100" />
              <rect x="0" y="0" width={pct} height="8" rx="2" className="fill-amber-400" />
            </svg>
            <span className="w-10 shrink-0 text-right tabular-nums text-slate-700">{n}</span>
          </div>
        );
      })}
    </div>
  );
}

export function StatsPage() {
  const today = vietnamToday();
  const [range, setRange] = useState({ from: addDays(today, -6), to: today });
  const [form, setForm] = useState({ from: formatDmy(range.from), to: formatDmy(range.to) });
  const [invalid, setInvalid] = useState({});
  const [exporting, setExporting] = useState(null); // null | 'busy' | error
  const [result, setResult] = useState({ key: null, data: null, error: null });
  const key = `${range.from}|${range.to}`;

  useEffect(() => {
    let cancelled = false;
    getStats(range).then(
      (data) => { if (!cancelled) setResult({ key, data, error: null }); },
      (error) => { if (!cancelled) setResult((r) => ({ key, data: r.data, error })); },
    );
    return () => { cancelled = true; };
  }, [key, range]);

  const loading = result.key !== key;
  const s = result.error ? null : result.data;
  const fe = { ...(result.error?.fields || {}), ...invalid };
  const [sep, setSep] = useCsvDialect();
  const exportCsv = async () => {
    const r = readRange(form);
    setInvalid(r.errors || {});
    if (r.errors) return;
    setExporting('busy');
    try {
      saveBlob(await getStatsCsv(r.range, sep), `chatdesk-thong-ke-${r.range.from}_${r.range.to}.csv`);
      setExporting(null);
    } catch (err) {
      setExporting(err);
    }
  };

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-6" data-testid="stats-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Thống kê</h1>
          <p className="text-sm text-slate-600">Theo các cuộc trò chuyện bắt đầu trong khoảng ngày (giờ Việt Nam).</p>
        </div>
        <form
          className="flex flex-wrap items-start gap-2"
          aria-label="Khoảng thời gian"
          noValidate
          data-testid="stats-range"
          onSubmit={(e) => {
            e.preventDefault();
            const r = readRange(form);
            setInvalid(r.errors || {});
            if (r.range) setRange(r.range);
          }}
        >
          <div className="w-36 space-y-1">
            <label htmlFor="stats-from" className="block text-xs font-medium text-slate-600">Từ ngày</label>
            <DateInput id="stats-from" name="from" value={form.from} onChange={(e) => setForm((f) => ({ ...f, from: e.target.value }))} {...fieldAria('stats-from', fe.from)} />
            {fe.from && <p id="stats-from-error" className="text-xs text-red-600" data-testid="field-error">{fe.from}</p>}
          </div>
          <div className="w-36 space-y-1">
            <label htmlFor="stats-to" className="block text-xs font-medium text-slate-600">Đến ngày</label>
            <DateInput id="stats-to" name="to" value={form.to} onChange={(e) => setForm((f) => ({ ...f, to: e.target.value }))} {...fieldAria('stats-to', fe.to)} />
            {fe.to && <p id="stats-to-error" className="text-xs text-red-600" data-testid="field-error">{fe.to}</p>}
          </div>
          <CsvDialectSelect id="stats-csv-dialect" value={sep} onChange={setSep} />
          <div className="flex gap-2 pt-5">
            <Button type="submit" data-testid="stats-apply">Xem</Button>
            <Button variant="ghost" onClick={() => { const r = { from: addDays(today, -6), to: today }; setInvalid({}); setForm({ from: formatDmy(r.from), to: formatDmy(r.to) }); setRange(r); }}>7 ngày qua</Button>
            <Button variant="secondary" onClick={exportCsv} disabled={exporting === 'busy'} data-testid="stats-export">{exporting === 'busy' ? 'Đang xuất…' : 'Xuất CSV'}</Button>
          </div>
        </form>
      </div>
      {exporting && exporting !== 'busy' && <Alert data-testid="stats-export-error">Chưa xuất được tệp: {exporting.message}</Alert>}
      {result.error && (
        <Alert>
          <span data-testid="stats-error">{result.error.message}</span>
          {fe.from && <span className="block" data-testid="stats-error-from">Từ ngày: {fe.from}</span>}
          {fe.to && <span className="block" data-testid="stats-error-to">Đến ngày: {fe.to}</span>}
        </Alert>
      )}
      {loading && !s && <p className="text-sm text-slate-600">Đang tải…</p>}
      {s && (
        <div className={`space-y-4 ${loading ? 'opacity-60' : ''}`} data-testid="stats-content" data-from={s.from} data-to={s.to}>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <StatCard label="Tổng số cuộc trò chuyện" value={s.totalConversations} testId="stat-total" />
            <StatCard label="Đang chờ" value={s.waitingNow} testId="stat-waiting" hint="Ngay lúc này" />
            <StatCard label="Đã giải quyết" value={s.resolved} testId="stat-resolved" />
            <StatCard label="Phản hồi đầu tiên (trung vị)" value={formatDuration(s.medianFirstResponseSeconds)} testId="stat-first-response" />
            <StatCard label="Thời gian giải quyết (trung vị)" value={formatDuration(s.medianResolutionSeconds)} testId="stat-resolution" />
          </div>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[2fr_1fr]">
            <Card className="p-4">
              <h2 className="mb-2 text-sm font-semibold text-slate-900">Số cuộc trò chuyện theo ngày</h2>
              <BarChart
                testId="per-day-chart"
                label={`Số cuộc trò chuyện theo ngày, từ ${dayTitle(s.from)} đến ${dayTitle(s.to)}`}
                data={(s.conversationsPerDay || []).map((d) => ({ label: dayLabel(d.date), title: dayTitle(d.date), value: d.count }))}
              />
            </Card>
            <Card className="p-4">
              <h2 className="mb-1 text-sm font-semibold text-slate-900">Đánh giá của khách</h2>
              <p className="mb-3 text-sm text-slate-600">
                <span data-testid="rating-count">{s.ratings?.count || 0}</span> lượt · trung bình{' '}
                <span className="font-semibold" data-testid="rating-average">{fmtAvg(s.ratings?.average)}</span> sao
              </p>
              <RatingDistribution ratings={s.ratings} />
            </Card>
          </div>
          <Card className="overflow-hidden">
            <h2 className="px-4 pt-4 text-sm font-semibold text-slate-900">Theo nhân viên</h2>
            {(s.perAgent || []).length === 0 ? (
              <EmptyState>Chưa có cuộc trò chuyện nào được giao trong khoảng này.</EmptyState>
            ) : (
              <div className="overflow-x-auto">
                <table className="mt-2 min-w-full divide-y divide-slate-200 text-sm" data-testid="per-agent-table">
                  <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                    <tr>
                      <th className="px-4 py-2">Nhân viên</th>
                      <th className="px-4 py-2 text-right">Cuộc trò chuyện</th>
                      <th className="px-4 py-2 text-right">Đã giải quyết</th>
                      <th className="px-4 py-2 text-right">Lượt đánh giá</th>
                      <th className="px-4 py-2 text-right">Điểm trung bình</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {s.perAgent.map((a) => (
                      <tr key={a.agentId} data-testid="per-agent-row" data-agent-id={a.agentId}>
                        <td className="px-4 py-2 font-medium text-slate-900">{a.name}</td>
                        <td className="px-4 py-2 text-right tabular-nums" data-col="conversations">{a.conversations}</td>
                        <td className="px-4 py-2 text-right tabular-nums" data-col="resolved">{a.resolved}</td>
                        <td className="px-4 py-2 text-right tabular-nums" data-col="ratings">{a.ratings}</td>
                        <td className="px-4 py-2 text-right tabular-nums" data-col="avgRating">{fmtAvg(a.avgRating)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
      )}
    </div>
  );
}

export default StatsPage;
