import { useState } from 'react';
import { inputClass } from '../../../components/ui/index.jsx';
import { RatingBlock } from '../../../components/ui/support.jsx';
import { PRIORITIES, PRIORITY_LABELS, normalizeTag } from '../../../lib/format/index.js';
import { patchConversation } from '../api/triage.js';

/** Priority select + tag chips editor (any agent may triage) + the visitor's rating. */
export function TriagePanel({ conversation, onUpdated }) {
  const [input, setInput] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const tags = conversation.tags || [];
  const priority = conversation.priority || 'normal';

  const save = async (body, field) => {
    setBusy(true);
    setErrors((e) => ({ ...e, [field]: null }));
    try {
      const res = await patchConversation(conversation.id, body);
      if (res?.conversation) onUpdated(res.conversation);
      return true;
    } catch (err) {
      setErrors((e) => ({ ...e, [field]: err.fields?.[field] || err.message }));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const addTag = async () => {
    const t = normalizeTag(input);
    if (!t) return;
    if (tags.includes(t)) {
      setInput('');
      return;
    }
    if (await save({ tags: [...tags, t] }, 'tags')) setInput('');
  };

  return (
    <div className="space-y-3" data-testid="triage-panel">
      <div className="space-y-1">
        <label htmlFor="priority-select" className="block text-[11px] font-medium uppercase tracking-wide text-slate-600">Mức ưu tiên</label>
        <select
          id="priority-select"
          data-testid="priority-select"
          value={priority}
          disabled={busy}
          onChange={(e) => save({ priority: e.target.value }, 'priority')}
          className={`${inputClass} !py-1.5`}
        >
          {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABELS[p]}</option>)}
        </select>
        {errors.priority && <p className="text-xs text-red-600" data-testid="priority-error">{errors.priority}</p>}
      </div>
      <div className="space-y-1">
        <label htmlFor="tag-input" className="block text-[11px] font-medium uppercase tracking-wide text-slate-600">Nhãn</label>
        <div className="flex flex-wrap gap-1" data-testid="tag-editor">
          {tags.map((t) => (
            <span key={t} data-testid="tag-chip" data-tag={t} className="inline-flex items-center gap-1 rounded-full bg-violet-50 py-0.5 pl-2 pr-1 text-xs text-violet-800 ring-1 ring-inset ring-violet-200">
              {t}
              <button
                type="button"
                disabled={busy}
                aria-label={`Xoá nhãn ${t}`}
                onClick={() => save({ tags: tags.filter((x) => x !== t) }, 'tags')}
                className="rounded-full px-1 leading-none text-violet-500 hover:bg-violet-100 hover:text-violet-900"
              >
                ×
              </button>
            </span>
          ))}
          {tags.length === 0 && <span className="text-xs text-slate-600">Chưa có nhãn.</span>}
        </div>
        <input
          id="tag-input"
          data-testid="tag-input"
          value={input}
          disabled={busy}
          maxLength={60}
          placeholder="Thêm nhãn rồi nhấn Enter"
          onChange={(e) => {
            setInput(e.target.value);
            if (errors.tags) setErrors((x) => ({ ...x, tags: null }));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
              e.preventDefault();
              addTag();
            }
          }}
          className={`${inputClass} !py-1.5`}
          aria-invalid={!!errors.tags}
          aria-describedby={errors.tags ? 'tag-error' : undefined}
        />
        {errors.tags && <p id="tag-error" className="text-xs text-red-600" data-testid="tag-error">{errors.tags}</p>}
      </div>
      <RatingBlock rating={conversation.rating} />
    </div>
  );
}
