import { Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';

// Limits checked again by the server (internal/chat/greeting.go).
export const MAX_GREETINGS = 20;

export const newGreeting = () => ({ pattern: '', delaySeconds: 10, text: '', enabled: true });

/**
 * Proactive greetings: "after N seconds on pages matching P, show G",
 * evaluated by the widget itself. Errors come back per rule from the
 * server (fields "greetings.<i>.<field>").
 */
export function GreetingsCard({ rules, onChange, errors }) {
  const update = (i, k, v) => onChange(rules.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <Card className="space-y-3 p-4" data-testid="greetings">
      <div>
        <h2 className="text-sm font-semibold text-slate-900">Lời chào chủ động</h2>
        <p className="text-xs text-slate-600">
          Sau số giây khách xem một trang khớp mẫu, widget hiện lời chào cạnh nút chat (mỗi lời chào một lần mỗi phiên, không hiện khi khách đang trò chuyện).
          Mẫu: <code>/san-pham/*</code> (dấu * là đoạn bất kỳ) hoặc một phần địa chỉ như <code>khuyen-mai</code>.
        </p>
      </div>
      {errors.greetings && <p className="text-xs text-red-600">{errors.greetings}</p>}
      {rules.length === 0 && <p className="text-sm text-slate-600">Chưa có lời chào chủ động.</p>}
      <ol className="space-y-3">
        {rules.map((r, i) => {
          const id = `greeting-${i}`;
          const err = (k) => errors[`greetings.${i}.${k}`];
          return (
            <li key={i} className="space-y-2 rounded-md p-3 ring-1 ring-slate-200" data-testid="greeting-rule">
              <div className="grid grid-cols-1 gap-2 sm:grid-cols-[1fr_120px]">
                <Field label="Mẫu trang" htmlFor={`${id}-pattern`} error={err('pattern')}>
                  <input id={`${id}-pattern`} value={r.pattern} onChange={(e) => update(i, 'pattern', e.target.value)} className={`${inputClass} font-mono`} placeholder="/san-pham/*" maxLength={200} />
                </Field>
                <Field label="Sau (giây)" htmlFor={`${id}-delay`} error={err('delaySeconds')}>
                  <input id={`${id}-delay`} type="number" min={0} max={600} value={r.delaySeconds} onChange={(e) => update(i, 'delaySeconds', e.target.value)} className={inputClass} />
                </Field>
              </div>
              <Field label="Lời chào" htmlFor={`${id}-text`} error={err('text')}>
                <input id={`${id}-text`} value={r.text} onChange={(e) => update(i, 'text', e.target.value)} className={inputClass} placeholder="Bạn cần tư vấn thêm về sản phẩm này không?" maxLength={200} />
              </Field>
              <div className="flex items-center justify-between">
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={!!r.enabled} onChange={(e) => update(i, 'enabled', e.target.checked)} />
                  Đang bật
                </label>
                <Button variant="danger" size="sm" onClick={() => onChange(rules.filter((_, j) => j !== i))} aria-label={`Xoá lời chào ${i + 1}`}>Xoá</Button>
              </div>
            </li>
          );
        })}
      </ol>
      <Button variant="secondary" size="sm" disabled={rules.length >= MAX_GREETINGS} onClick={() => onChange([...rules, newGreeting()])} data-testid="greeting-add">
        Thêm lời chào
      </Button>
    </Card>
  );
}
