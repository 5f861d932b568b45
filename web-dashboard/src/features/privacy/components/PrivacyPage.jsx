import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { eraseContact, exportContact, getPrivacy, lookupContact, runRetention, savePrivacy } from '../api/privacy.js';
import { exportFileName } from '../audit.js';

const SAMPLE = 'Cửa hàng [tên doanh nghiệp, địa chỉ, số điện thoại] thu thập họ tên, số điện thoại và nội dung trò chuyện bạn cung cấp để trả lời câu hỏi và liên hệ lại với bạn. Dữ liệu được lưu [12 tháng] rồi xóa, không chia sẻ cho bên thứ ba. Bạn có quyền xem, sửa, xóa dữ liệu hoặc rút lại sự đồng ý bằng cách liên hệ [email/số điện thoại].';

/** Notice, consent box and retention. */
function NoticeForm({ view, onSaved }) {
  const p = view.privacy;
  const [form, setForm] = useState({ notice: p.notice || '', consentRequired: !!p.consentRequired, consentLabel: p.consentLabel || '', retentionMonths: p.retentionMonths || 0, retentionMode: p.retentionMode || 'delete' });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState(null);
  const set = (k, v) => { setSaved(false); setForm((f) => ({ ...f, [k]: v })); };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await savePrivacy({ ...form, retentionMonths: Number(form.retentionMonths) || 0 });
      onSaved(res);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const runNow = async () => {
    setRun(null);
    try {
      setRun((await runRetention())?.run || null);
    } catch (err) {
      setError(err);
    }
  };
  const fe = error?.fields || {};
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Cài đặt dữ liệu cá nhân">
      <Card className="space-y-3 p-4">
        <div className="flex items-center justify-between gap-2">
          <h2 className="text-sm font-semibold text-slate-900">Thông báo xử lý dữ liệu cá nhân (hiện trên biểu mẫu)</h2>
          {p.version > 0 && <Badge tone="violet">Phiên bản {p.version}</Badge>}
        </div>
        <p className="text-xs text-slate-600">Theo Luật Bảo vệ dữ liệu cá nhân (91/2025/QH15): nêu rõ ai thu thập, dữ liệu gì, mục đích, thời gian lưu và cách khách yêu cầu xem, sửa, xóa. Mỗi lần đổi nội dung là một phiên bản mới; mỗi cuộc trò chuyện ghi lại phiên bản khách đã xem.</p>
        <Field label="Nội dung thông báo" htmlFor="pv-notice" error={fe.notice}>
          <textarea id="pv-notice" rows={5} value={form.notice} onChange={(e) => set('notice', e.target.value)} className={inputClass} placeholder={SAMPLE} data-testid="privacy-notice-input" />
        </Field>
        {!form.notice && <Button variant="ghost" size="sm" onClick={() => set('notice', SAMPLE)}>Dùng mẫu</Button>}
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" checked={form.consentRequired} onChange={(e) => set('consentRequired', e.target.checked)} className="mt-0.5" data-testid="privacy-consent-required" />
          <span><span className="font-medium text-slate-900">Bắt buộc khách đánh dấu đồng ý</span><br /><span className="text-slate-600">Ô đồng ý không bao giờ được đánh dấu sẵn; khách chưa đồng ý thì không bắt đầu được cuộc trò chuyện.</span></span>
        </label>
        {form.consentRequired && (
          <Field label="Nội dung ô đồng ý" htmlFor="pv-label" error={fe.consentLabel}>
            <input id="pv-label" value={form.consentLabel} onChange={(e) => set('consentLabel', e.target.value)} className={inputClass} maxLength={300} />
          </Field>
        )}
      </Card>
      <Card className="space-y-3 p-4">
        <h2 className="text-sm font-semibold text-slate-900">Thời hạn lưu trữ</h2>
        <Field label="Xử lý cuộc trò chuyện không hoạt động quá (tháng; 0 = không tự xóa)" htmlFor="pv-months" error={fe.retentionMonths}>
          <input id="pv-months" type="number" min={0} max={120} value={form.retentionMonths} onChange={(e) => set('retentionMonths', e.target.value)} className={`${inputClass} !w-32`} data-testid="privacy-months" />
        </Field>
        <fieldset className="space-y-1 text-sm">
          <label className="flex items-center gap-2"><input type="radio" name="pv-mode" checked={form.retentionMode === 'delete'} onChange={() => set('retentionMode', 'delete')} /> Xóa hẳn (cả tin nhắn và tệp)</label>
          <label className="flex items-center gap-2"><input type="radio" name="pv-mode" checked={form.retentionMode === 'anonymize'} onChange={() => set('retentionMode', 'anonymize')} /> Ẩn danh (xóa thông tin khách, tin nhắn, tệp; giữ số liệu thống kê)</label>
        </fieldset>
        <p className="text-xs text-slate-600">Chạy tự động mỗi giờ trên một máy chủ; mỗi lần chạy được ghi vào nhật ký.</p>
        {p.retentionMonths > 0 && <Button variant="secondary" size="sm" onClick={runNow}>Chạy ngay</Button>}
        {run && <Alert tone="info">{run.ran ? `Đã xử lý ${run.processed} cuộc trò chuyện${run.incomplete ? ' (còn nữa, lần chạy sau sẽ tiếp tục)' : ''}.` : 'Không chạy: thời hạn lưu trữ đang tắt hoặc một máy chủ khác đang chạy.'}</Alert>}
      </Card>
      {error && !error.fields && <Alert>{error.message}</Alert>}
      {error?.fields && <Alert>Vui lòng kiểm tra lại các trường được đánh dấu.</Alert>}
      {saved && <Alert tone="success">Đã lưu.</Alert>}
      <Button type="submit" disabled={busy} data-testid="privacy-save">Lưu</Button>
      {view.notices?.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600">Các phiên bản đã công bố ({view.notices.length})</summary>
          <ul className="mt-2 space-y-2">
            {view.notices.map((n) => (
              <li key={n.version} className="rounded bg-slate-50 p-2">
                <div className="text-xs text-slate-600">Phiên bản {n.version} — {formatDateTime(n.publishedAt)} — {n.publishedByName} — {n.consentRequired ? 'bắt buộc đồng ý' : 'chỉ thông báo'}</div>
                <p className="whitespace-pre-line">{n.notice || '(trống)'}</p>
              </li>
            ))}
          </ul>
        </details>
      )}
    </form>
  );
}

/** A visitor's request by phone: see, download, erase. */
function ContactRequests() {
  const [phone, setPhone] = useState('');
  const [contact, setContact] = useState(null);
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [erased, setErased] = useState(null);
  const act = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const lookup = (e) => {
    e.preventDefault();
    setErased(null);
    act(async () => setContact((await lookupContact(phone))?.contact || null));
  };
  const download = () => act(async () => {
    const blob = await exportContact(contact.phone);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(contact.phone);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  const erase = () => act(async () => {
    setErased((await eraseContact(contact.phone, confirm))?.erased || null);
    setContact(null);
    setConfirm('');
  });
  const empty = contact && contact.conversations.length === 0 && contact.blocks === 0;
  return (
    <Card className="space-y-3 p-4">
      <h2 className="text-sm font-semibold text-slate-900">Yêu cầu của khách: xem, tải về, xóa dữ liệu</h2>
      <p className="text-xs text-slate-600">Khách có quyền xem và yêu cầu xóa dữ liệu của mình. Hãy xác minh người yêu cầu đúng là chủ số điện thoại trước khi thực hiện. Mỗi lần tải về hoặc xóa được ghi vào nhật ký (số điện thoại được che).</p>
      <form onSubmit={lookup} noValidate className="flex flex-wrap items-end gap-2" aria-label="Tra cứu khách">
        <Field label="Số điện thoại" htmlFor="ct-phone" error={error?.fields?.phone}>
          <input id="ct-phone" value={phone} onChange={(e) => setPhone(e.target.value)} className={`${inputClass} !w-56`} placeholder="0912 345 678" data-testid="contact-phone" />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy || !phone.trim()} data-testid="contact-lookup">Tra cứu</Button>
      </form>
      {empty && <p className="text-sm text-slate-600" data-testid="contact-empty">Không có dữ liệu nào với số điện thoại này.</p>}
      {contact && !empty && (
        <div className="space-y-3" data-testid="contact-summary">
          <p className="text-sm">
            <strong>{contact.phone}</strong>: {contact.conversations.length} cuộc trò chuyện, {contact.messages} tin nhắn, {contact.attachments} tệp{contact.blocks ? `, ${contact.blocks} mục chặn` : ''}.
          </p>
          <ul className="text-xs text-slate-600">
            {contact.conversations.map((c) => <li key={c.id}>{formatDateTime(c.createdAt)} — {c.name || 'Khách'} — {c.messages} tin nhắn</li>)}
          </ul>
          <Button variant="secondary" size="sm" onClick={download} disabled={busy} data-testid="contact-export">Tải dữ liệu (.zip)</Button>
          <div className="rounded-md bg-red-50 p-3 ring-1 ring-red-200">
            <p className="mb-2 text-sm text-red-800">Xóa vĩnh viễn mọi cuộc trò chuyện, tin nhắn, tệp, đánh giá và mục chặn của số này, cùng các webhook đang chờ gửi về chúng; các điểm nhận webhook đăng ký sự kiện contact.erased được báo để xóa theo. Không thể hoàn tác. Nhập lại số điện thoại để xác nhận:</p>
            <div className="flex flex-wrap items-end gap-2">
              <Field htmlFor="ct-confirm" error={error?.fields?.confirm}>
                <input id="ct-confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} className={`${inputClass} !w-56`} data-testid="contact-confirm" />
              </Field>
              <Button variant="danger" size="sm" onClick={erase} disabled={busy || !confirm.trim()} data-testid="contact-erase">Xóa toàn bộ dữ liệu</Button>
            </div>
          </div>
        </div>
      )}
      {erased && (
        <Alert tone="success"><span data-testid="contact-erased">Đã xóa {erased.conversations} cuộc trò chuyện, {erased.messages} tin nhắn, {erased.attachments} tệp, {erased.blocks} mục chặn.</span></Alert>
      )}
      {error && !error.fields && <Alert>{error.message}</Alert>}
    </Card>
  );
}

export function PrivacyPage() {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    getPrivacy().then(setView, setError);
  }, []);
  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Dữ liệu cá nhân</h1>
        <p className="text-sm text-slate-600">Thông báo và sự đồng ý của khách, thời hạn lưu trữ, yêu cầu xem và xóa dữ liệu.</p>
      </div>
      {error && <Alert>{error.message}</Alert>}
      {view && <NoticeForm key={view.privacy.version + ':' + view.privacy.updatedAt} view={view} onSaved={setView} />}
      <ContactRequests />
    </div>
  );
}

export default PrivacyPage;
