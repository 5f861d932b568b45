/** Live preview of the widget's pre-chat form (enabled fields, in order, widget colours). */
export function WidgetFormPreview({ fields, settings, highlightKey }) {
  const color = /^#[0-9a-fA-F]{3,8}$/.test(settings?.widgetColor || '') ? settings.widgetColor : '#2563eb';
  const visible = fields.filter((f) => f.enabled !== false);
  return (
    <div className="mx-auto w-full max-w-[340px] overflow-hidden rounded-2xl bg-white shadow-xl ring-1 ring-slate-200" data-testid="widget-preview" aria-label="Xem trước biểu mẫu">
      <div className="px-4 py-3 text-white" style={{ backgroundColor: color }}>
        <div className="text-sm font-semibold">{settings?.widgetTitle || 'Hỗ trợ trực tuyến'}</div>
        <div className="text-xs">{settings?.widgetGreeting || 'Xin chào! Chúng tôi có thể giúp gì cho bạn?'}</div>
      </div>
      <div className="space-y-3 p-4">
        {visible.length === 0 && <p className="text-xs text-slate-600">Biểu mẫu không có trường nào.</p>}
        {visible.map((f) => (
          <div key={f.key} className={`space-y-1 rounded ${f.key === highlightKey ? 'bg-yellow-50 ring-2 ring-yellow-300 ring-offset-2' : ''}`} data-preview-key={f.key}>
            {f.type === 'checkbox' ? (
              <label className="flex items-center gap-2 text-xs text-slate-700">
                <input type="checkbox" disabled className="h-3.5 w-3.5 rounded border-slate-300" />
                {f.label}{f.required && <span className="text-red-500">*</span>}
              </label>
            ) : (
              <>
                <label className="block text-xs font-medium text-slate-700">
                  {f.label}{f.required && <span className="text-red-500"> *</span>}
                </label>
                {f.type === 'textarea' ? (
                  <textarea disabled aria-label={f.label} rows={2} className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs" />
                ) : f.type === 'select' ? (
                  <select disabled aria-label={f.label} className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs">
                    <option>— Chọn —</option>
                    {(f.options || []).map((o) => <option key={o}>{o}</option>)}
                  </select>
                ) : (
                  <input disabled aria-label={f.label} type={f.type === 'phone' ? 'tel' : 'text'} className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-xs" />
                )}
                {f.type === 'select' && (f.options || []).length > 0 && (
                  <p className="text-[11px] text-slate-600">Lựa chọn: {(f.options || []).join(', ')}</p>
                )}
              </>
            )}
          </div>
        ))}
        <button type="button" disabled className="w-full rounded-md py-2 text-sm font-medium text-white" style={{ backgroundColor: color }}>
          Bắt đầu trò chuyện
        </button>
      </div>
    </div>
  );
}
