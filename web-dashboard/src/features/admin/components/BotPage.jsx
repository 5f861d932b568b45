import { Alert, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { getBot, saveBot } from '../api/bot.js';
import { useLoader, useSaveForm } from '../../../lib/hooks/index.js';

const DEFAULTS = {
  enabled: false,
  name: 'Trợ lý ảo',
  baseUrl: '',
  model: '',
  apiKeySet: false,
  systemPrompt: '',
  knowledge: '',
  waitSeconds: 0,
  timeoutSeconds: 15,
};

const botOf = (r) => r?.bot || null;

function toForm(bot) {
  const b = { ...DEFAULTS, ...bot };
  return { ...b, apiKey: '', waitSeconds: String(b.waitSeconds ?? 0), timeoutSeconds: String(b.timeoutSeconds ?? 15) };
}

function toNumber(v) {
  const t = String(v).trim();
  return t === '' ? t : Number(t);
}

async function save(form) {
  const res = await saveBot({
    enabled: !!form.enabled,
    name: form.name.trim(),
    baseUrl: form.baseUrl.trim(),
    model: form.model.trim(),
    apiKey: form.apiKey, // "" keeps the stored key
    systemPrompt: form.systemPrompt,
    knowledge: form.knowledge,
    waitSeconds: toNumber(form.waitSeconds),
    timeoutSeconds: toNumber(form.timeoutSeconds),
  });
  return toForm(res?.bot || { ...form, apiKeySet: form.apiKeySet || !!form.apiKey });
}

function BotForm({ initial }) {
  const { form, set, submit, error, saved, busy } = useSaveForm(() => toForm(initial), save);
  const fe = error?.fields || {};

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Cài đặt trợ lý ảo" data-testid="bot-form">
      <Card className="space-y-4 p-4">
        <label className="flex items-center justify-between gap-4">
          <span>
            <span className="block text-sm font-semibold text-slate-900">Bật trợ lý ảo</span>
            <span className="block text-xs text-slate-600">Trả lời khách khi chưa có nhân viên nhận cuộc trò chuyện.</span>
          </span>
          <span className="relative inline-flex items-center">
            <input id="bot-enabled" type="checkbox" role="switch" className="peer sr-only" checked={!!form.enabled} onChange={set('enabled')} aria-checked={!!form.enabled} data-testid="bot-enabled" />
            <span className="h-6 w-11 rounded-full bg-slate-300 transition peer-checked:bg-emerald-500 peer-focus-visible:ring-2 peer-focus-visible:ring-blue-500" aria-hidden="true" />
            <span className="absolute left-0.5 top-0.5 h-5 w-5 rounded-full bg-white shadow transition peer-checked:translate-x-5" aria-hidden="true" />
          </span>
        </label>
        {fe.enabled && <p className="text-xs text-red-600">{fe.enabled}</p>}
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
          <Field label="Tên hiển thị" htmlFor="bot-name" error={fe.name}>
            <input id="bot-name" value={form.name} onChange={set('name')} className={inputClass} placeholder="Trợ lý ảo" />
          </Field>
          <Field label="Mô hình" htmlFor="bot-model" error={fe.model}>
            <input id="bot-model" value={form.model} onChange={set('model')} className={`${inputClass} font-mono`} placeholder="gpt-4o-mini" />
          </Field>
          <Field label="Địa chỉ API (tương thích OpenAI)" htmlFor="bot-baseUrl" error={fe.baseUrl} hint="Máy chủ gọi {địa chỉ}/chat/completions.">
            <input id="bot-baseUrl" value={form.baseUrl} onChange={set('baseUrl')} className={`${inputClass} font-mono`} placeholder="https://api.openai.com/v1" />
          </Field>
          <Field label="Khóa API" htmlFor="bot-apiKey" error={fe.apiKey} hint={form.apiKeySet ? 'Để trống để giữ khóa đã lưu.' : 'Chưa có khóa.'}>
            <div className="flex items-center gap-2">
              <input id="bot-apiKey" type="password" autoComplete="new-password" value={form.apiKey} onChange={set('apiKey')} className={`${inputClass} font-mono`} placeholder={form.apiKeySet ? '••••••••' : 'sk-…'} />
              {form.apiKeySet && <span className="shrink-0 rounded bg-emerald-50 px-2 py-1 text-xs font-medium text-emerald-700 ring-1 ring-inset ring-emerald-200" data-testid="bot-key-saved">Đã lưu khóa</span>}
            </div>
          </Field>
        </div>
        <Field label="Lời nhắc hệ thống" htmlFor="bot-systemPrompt" error={fe.systemPrompt}>
          <textarea id="bot-systemPrompt" rows={4} value={form.systemPrompt} onChange={set('systemPrompt')} className={inputClass} placeholder="Bạn là trợ lý của cửa hàng… Trả lời ngắn gọn, lịch sự bằng tiếng Việt." />
        </Field>
        <Field label="Kiến thức" htmlFor="bot-knowledge" error={fe.knowledge} hint="Giờ mở cửa, chính sách đổi trả, phí giao hàng… trợ lý dựa vào đây để trả lời.">
          <textarea id="bot-knowledge" rows={8} value={form.knowledge} onChange={set('knowledge')} className={inputClass} />
        </Field>
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
          <Field label="Chờ nhân viên (giây)" htmlFor="bot-waitSeconds" error={fe.waitSeconds} hint="0: chỉ trả lời khi không có nhân viên trực tuyến. N: trả lời cả khi khách đã chờ N giây.">
            <input id="bot-waitSeconds" type="number" min={0} max={3600} step={1} value={form.waitSeconds} onChange={set('waitSeconds')} className={inputClass} />
          </Field>
          <Field label="Thời gian chờ trả lời tối đa (giây)" htmlFor="bot-timeoutSeconds" error={fe.timeoutSeconds} hint="Từ 1 đến 60.">
            <input id="bot-timeoutSeconds" type="number" min={1} max={60} step={1} value={form.timeoutSeconds} onChange={set('timeoutSeconds')} className={inputClass} />
          </Field>
        </div>
      </Card>
      {error && !error.fields && <Alert>{error.message}</Alert>}
      {error?.fields && <Alert>{error.message || 'Vui lòng kiểm tra lại các trường được đánh dấu.'}</Alert>}
      {saved && <Alert tone="success">Đã lưu cài đặt trợ lý ảo.</Alert>}
      <Button type="submit" disabled={busy} data-testid="bot-save">Lưu</Button>
    </form>
  );
}

export function BotPage() {
  const { value: bot, loading, error } = useLoader(getBot, botOf, null);
  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Trợ lý ảo</h1>
        <p className="text-sm text-slate-600">Trả lời tự động khi chưa có nhân viên. Khách luôn có thể chọn “Gặp nhân viên hỗ trợ”.</p>
      </div>
      {error && <Alert>{error.message}</Alert>}
      {loading && !bot && <p className="text-sm text-slate-600">Đang tải…</p>}
      {bot && <BotForm initial={bot} />}
    </div>
  );
}

export default BotPage;
