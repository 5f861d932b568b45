import { Alert, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { getOfficeHours, saveOfficeHours } from '../api/hours.js';
import { useLoader, useSaveForm } from '../../../lib/hooks/index.js';

const DAYS = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];
const hoursOf = (r) => r?.officeHours || null;

/** The office hours as the form edits them: holidays one per line. */
export function toForm(h) {
  const week = Array.from({ length: 7 }, (_, i) => ({ open: false, from: '08:00', to: '17:30', ...(h?.week?.[i] || {}) }));
  return { enabled: !!h?.enabled, week, holidaysText: (h?.holidays || []).join('\n'), awayMessage: h?.awayMessage || '', replyTime: h?.replyTime || '' };
}

/** The form as the API takes it. */
export function fromForm(f) {
  return {
    enabled: !!f.enabled,
    week: f.week.map((d) => ({ open: !!d.open, from: d.from, to: d.to })),
    holidays: String(f.holidaysText || '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean),
    awayMessage: f.awayMessage.trim(),
    replyTime: f.replyTime.trim(),
  };
}

async function save(form) {
  const res = await saveOfficeHours(fromForm(form));
  return toForm(res?.officeHours || fromForm(form));
}

function OfficeHoursForm({ initial }) {
  const { form, set, submit, error, saved, busy } = useSaveForm(() => toForm(initial), save);
  const fe = error?.fields || {};
  // useSaveForm sets one field from an event; the week is nested
  const setDay = (i, k) => (e) => set('week')({ target: { value: form.week.map((d, j) => (j === i ? { ...d, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value } : d)) } });

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Giờ làm việc" data-testid="hours-form">
      <Card className="space-y-4 p-4">
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" checked={form.enabled} onChange={set('enabled')} className="mt-0.5" data-testid="hours-enabled" />
          <span>
            <span className="font-medium text-slate-900">Áp dụng giờ làm việc</span><br />
            <span className="text-slate-600">Ngoài giờ, không ai được giao cuộc trò chuyện mới; khách để lại lời nhắn và được trả lời khi mở cửa. Giờ Việt Nam (GMT+7).</span>
          </span>
        </label>
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-slate-600">
              <th className="py-1 font-medium">Ngày</th>
              <th className="py-1 font-medium">Làm việc</th>
              <th className="py-1 font-medium">Mở cửa</th>
              <th className="py-1 font-medium">Đóng cửa</th>
            </tr>
          </thead>
          <tbody>
            {form.week.map((d, i) => (
              <tr key={DAYS[i]} className="border-t border-slate-100" data-testid="hours-day">
                <td className="py-1.5 pr-2 font-medium text-slate-800">{DAYS[i]}</td>
                <td className="py-1.5 pr-2">
                  <input type="checkbox" aria-label={`${DAYS[i]}: làm việc`} checked={d.open} onChange={setDay(i, 'open')} />
                  {!d.open && <span className="ml-2 text-xs text-slate-600">Nghỉ</span>}
                </td>
                <td className="py-1.5 pr-2"><input type="time" aria-label={`${DAYS[i]}: mở cửa`} value={d.from} disabled={!d.open} onChange={setDay(i, 'from')} className={`${inputClass} !w-28`} /></td>
                <td className="py-1.5"><input type="time" aria-label={`${DAYS[i]}: đóng cửa`} value={d.to} disabled={!d.open} onChange={setDay(i, 'to')} className={`${inputClass} !w-28`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {Object.entries(fe).filter(([k]) => k.startsWith('week')).map(([k, msg]) => <p key={k} className="text-xs text-red-600" data-testid="hours-error">{msg}</p>)}
        <Field label="Ngày nghỉ lễ (mỗi dòng một ngày, dạng 2026-02-17)" htmlFor="holidays" error={fe.holidays}>
          <textarea id="holidays" rows={3} value={form.holidaysText} onChange={set('holidaysText')} className={`${inputClass} font-mono`} placeholder="2027-02-06" />
        </Field>
      </Card>
      <Card className="space-y-3 p-4">
        <h2 className="text-sm font-semibold text-slate-900">Khách thấy gì</h2>
        <Field label="Lời nhắn khi không có ai trực" htmlFor="awayMessage" hint="Hiện trên biểu mẫu “Để lại lời nhắn” của widget." error={fe.awayMessage}>
          <textarea id="awayMessage" rows={2} value={form.awayMessage} onChange={set('awayMessage')} className={inputClass} />
        </Field>
        <Field label="Thời gian trả lời thường lệ" htmlFor="replyTime" hint="Hiện cạnh “Đang trực tuyến”, ví dụ: Thường trả lời trong vài phút." error={fe.replyTime}>
          <input id="replyTime" value={form.replyTime} onChange={set('replyTime')} className={inputClass} />
        </Field>
      </Card>
      {error && !error.fields && <Alert>{error.message}</Alert>}
      {error?.fields && <Alert>Vui lòng kiểm tra lại các trường được đánh dấu.</Alert>}
      {saved && <Alert tone="success">Đã lưu giờ làm việc.</Alert>}
      <Button type="submit" disabled={busy} data-testid="hours-save">Lưu giờ làm việc</Button>
    </form>
  );
}

export function OfficeHoursPage() {
  const { value: hours, loading, error } = useLoader(getOfficeHours, hoursOf, null);
  return (
    <div className="mx-auto w-full max-w-3xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Giờ làm việc</h1>
        <p className="text-sm text-slate-600">Lịch trực trong tuần, ngày nghỉ lễ và điều khách thấy khi không có ai trả lời.</p>
      </div>
      {error && <Alert>{error.message}</Alert>}
      {loading && !hours && <p className="text-sm text-slate-600">Đang tải…</p>}
      {hours && <OfficeHoursForm initial={hours} />}
    </div>
  );
}

export default OfficeHoursPage;
