import { Alert, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { saveSettings } from '../api/settings.js';
import { useAdminAgents, useFormFields, useSettings } from '../hooks/useAdminData.js';
import { useSaveForm } from '../../../lib/hooks/index.js';
import { WidgetFormPreview } from './WidgetFormPreview.jsx';
import { fieldAria } from '../../../lib/validation/index.js';
import { GreetingsCard } from './GreetingsCard.jsx';

const DEFAULTS = {
  assignmentMode: 'round_robin',
  defaultAgentId: '',
  allowedOrigins: [],
  widgetColor: '#2563eb',
  widgetTitle: '',
  widgetGreeting: '',
  autoLanguage: false,
  greetings: [],
};

export function parseOrigins(text) {
  return String(text || '')
    .split(/[\s,]+/)
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean)
    .filter((v, i, a) => a.indexOf(v) === i);
}

async function save(form) {
  const body = {
    assignmentMode: form.assignmentMode,
    defaultAgentId: form.assignmentMode === 'default' ? form.defaultAgentId : form.defaultAgentId || '',
    allowedOrigins: parseOrigins(form.originsText),
    widgetColor: form.widgetColor,
    widgetTitle: form.widgetTitle.trim(),
    widgetGreeting: form.widgetGreeting.trim(),
    autoLanguage: !!form.autoLanguage,
    greetings: (form.greetings || []).map((g) => ({ pattern: g.pattern.trim(), delaySeconds: Number(g.delaySeconds) || 0, text: g.text.trim(), enabled: !!g.enabled })),
  };
  const res = await saveSettings(body);
  const s = res?.settings || body;
  return (f) => ({ ...f, ...s, originsText: (s.allowedOrigins || []).join('\n') });
}

function SettingsForm({ initial, agents, fields }) {
  const { form, set, put, submit, error, saved, busy } = useSaveForm(
    () => ({ ...DEFAULTS, ...initial, originsText: (initial.allowedOrigins || []).join('\n') }), save);
  const fe = error?.fields || {};
  const activeAgents = agents.filter((a) => !a.disabled);

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_360px]">
      <form onSubmit={submit} noValidate className="space-y-4" aria-label="Cài đặt">
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold text-slate-900">Phân công cuộc trò chuyện</h2>
          <fieldset className="space-y-2">
            <legend className="sr-only">Chế độ phân công</legend>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="assignmentMode" value="round_robin" checked={form.assignmentMode === 'round_robin'} onChange={set('assignmentMode')} className="mt-0.5" />
              <span><span className="font-medium text-slate-900">Chia lần lượt (round robin)</span><br /><span className="text-slate-600">Chia đều cho các nhân viên đang trực tuyến, theo thứ tự.</span></span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name="assignmentMode" value="default" checked={form.assignmentMode === 'default'} onChange={set('assignmentMode')} className="mt-0.5" />
              <span><span className="font-medium text-slate-900">Giao cho nhân viên mặc định</span><br /><span className="text-slate-600">Mọi cuộc trò chuyện mới được giao cho một người.</span></span>
            </label>
          </fieldset>
          {form.assignmentMode === 'default' && (
            <Field label="Nhân viên mặc định" htmlFor="defaultAgentId" error={fe.defaultAgentId}>
              <select id="defaultAgentId" aria-required="true" {...fieldAria('defaultAgentId', fe.defaultAgentId)} value={form.defaultAgentId || ''} onChange={set('defaultAgentId')} className={inputClass}>
                <option value="">— Chọn nhân viên —</option>
                {activeAgents.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.email})</option>)}
              </select>
            </Field>
          )}
          {fe.assignmentMode && <p className="text-xs text-red-600">{fe.assignmentMode}</p>}
        </Card>
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold text-slate-900">Website được phép nhúng widget</h2>
          <Field label="Tên miền (mỗi dòng một địa chỉ)" htmlFor="origins" hint="VD: https://shop.example.vn — bỏ trống nếu chỉ dùng trên chính máy chủ này." error={fe.allowedOrigins}>
            <textarea id="origins" rows={4} value={form.originsText} onChange={set('originsText')} className={`${inputClass} font-mono`} placeholder="https://shop.example.vn" />
          </Field>
        </Card>
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold text-slate-900">Giao diện widget</h2>
          <Field label="Màu chủ đạo" htmlFor="widgetColorText" error={fe.widgetColor}>
            <div className="flex items-center gap-2">
              <input type="color" aria-label="Chọn màu" value={/^#[0-9a-fA-F]{6}$/.test(form.widgetColor) ? form.widgetColor : '#2563eb'} onChange={set('widgetColor')} className="h-9 w-12 cursor-pointer rounded border border-slate-300 bg-white p-0.5" />
              <input id="widgetColorText" value={form.widgetColor} onChange={set('widgetColor')} {...fieldAria('widgetColorText', fe.widgetColor)} className={`${inputClass} !w-32 font-mono`} />
            </div>
          </Field>
          <Field label="Tiêu đề" htmlFor="widgetTitle" error={fe.widgetTitle}>
            <input id="widgetTitle" value={form.widgetTitle} onChange={set('widgetTitle')} className={inputClass} placeholder="Hỗ trợ trực tuyến" />
          </Field>
          <Field label="Lời chào" htmlFor="widgetGreeting" error={fe.widgetGreeting}>
            <textarea id="widgetGreeting" rows={2} value={form.widgetGreeting} onChange={set('widgetGreeting')} className={inputClass} placeholder="Xin chào! Chúng tôi có thể giúp gì cho bạn?" />
          </Field>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" checked={!!form.autoLanguage} onChange={set('autoLanguage')} className="mt-0.5" data-testid="auto-language" />
            <span>
              <span className="font-medium text-slate-900">Tiếng Anh cho khách nước ngoài</span><br />
              <span className="text-slate-600">Widget nói tiếng Anh khi trình duyệt của khách không dùng tiếng Việt. Trang web cũng có thể chọn bằng <code>data-lang="en"</code>.</span>
            </span>
          </label>
        </Card>
        <GreetingsCard rules={form.greetings || []} onChange={(g) => put('greetings', g)} errors={fe} />
        {error && !error.fields && <Alert>{error.message}</Alert>}
        {error?.fields && <Alert>Vui lòng kiểm tra lại các trường được đánh dấu.</Alert>}
        {saved && <Alert tone="success">Đã lưu cài đặt.</Alert>}
        <Button type="submit" disabled={busy}>Lưu cài đặt</Button>
      </form>
      <div className="lg:sticky lg:top-4 lg:self-start">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Xem trước trên widget</h2>
        <WidgetFormPreview fields={fields} settings={form} />
      </div>
    </div>
  );
}

export function SettingsPage() {
  const { value: settings, loading, error } = useSettings();
  const { value: agents } = useAdminAgents();
  const { value: fields } = useFormFields();
  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Cài đặt</h1>
        <p className="text-sm text-slate-600">Phân công, website được phép nhúng, giao diện widget và lời chào chủ động.</p>
      </div>
      {error && <Alert>{error.message}</Alert>}
      {loading && !settings && <p className="text-sm text-slate-600">Đang tải…</p>}
      {settings && <SettingsForm initial={settings} agents={agents} fields={fields} />}
    </div>
  );
}

export default SettingsPage;
