import { useState } from 'react';
import { Alert, Badge, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { slugify } from '../../../lib/format/index.js';
import { fieldAria, hasErrors, rules, validate } from '../../../lib/validation/index.js';
import { createFormField, deleteFormField, reorderFormFields, updateFormField } from '../api/form-fields.js';
import { FIELD_TYPES, fieldBody, moveKey, parseOptions, sortFields } from '../form-fields.js';
import { useFormFields, useSettings } from '../hooks/useAdminData.js';
import { WidgetFormPreview } from './WidgetFormPreview.jsx';

const TYPE_LABEL = Object.fromEntries(FIELD_TYPES);
const NEW_FIELD = { label: '', key: '', keyTouched: false, type: 'text', optionsText: '', required: false };

const FIELD_SCHEMA = {
  label: [rules.required('nhãn hiển thị')],
  key: [rules.required('mã trường'), rules.pattern(/^[a-z0-9_]+$/, 'Mã trường chỉ gồm chữ thường không dấu, số và dấu gạch dưới.')],
};

function AddFieldForm({ draft, setDraft, onAdd, error, busy }) {
  const [invalid, setInvalid] = useState({});
  const set = (k) => (e) => setDraft((d) => ({ ...d, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }));
  const fe = { ...(error?.fields || {}), ...invalid };
  const submit = (e) => {
    e.preventDefault();
    const bad = validate(FIELD_SCHEMA, draft);
    setInvalid(bad);
    if (hasErrors(bad)) {
      document.getElementById(bad.label ? 'nf-label' : 'nf-key')?.focus();
      return;
    }
    onAdd();
  };
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Thêm trường</h2>
      <form onSubmit={submit} noValidate className="space-y-3" aria-label="Thêm trường">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Nhãn hiển thị" htmlFor="nf-label" error={fe.label}>
            <input id="nf-label" aria-required="true" {...fieldAria('nf-label', fe.label)} value={draft.label} onChange={(e) => setDraft((d) => ({ ...d, label: e.target.value, key: d.keyTouched ? d.key : slugify(e.target.value) }))} className={inputClass} placeholder="VD: Sản phẩm quan tâm" />
          </Field>
          <Field label="Mã trường" htmlFor="nf-key" hint="Chữ thường, số, dấu gạch dưới." error={fe.key}>
            <input id="nf-key" aria-required="true" {...fieldAria('nf-key', fe.key)} value={draft.key} onChange={(e) => setDraft((d) => ({ ...d, key: e.target.value, keyTouched: true }))} className={inputClass} />
          </Field>
          <Field label="Kiểu" htmlFor="nf-type" error={error?.fields?.type}>
            <select id="nf-type" value={draft.type} onChange={set('type')} className={inputClass}>
              {FIELD_TYPES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </Field>
          <div className="flex items-end pb-2">
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={draft.required} onChange={set('required')} className="h-4 w-4 rounded border-slate-300" /> Bắt buộc
            </label>
          </div>
        </div>
        {draft.type === 'select' && (
          <Field label="Các lựa chọn (mỗi dòng một lựa chọn)" htmlFor="nf-options" error={error?.fields?.options}>
            <textarea id="nf-options" rows={3} value={draft.optionsText} onChange={set('optionsText')} className={inputClass} placeholder={'Điện thoại\nMáy tính bảng\nPhụ kiện'} />
          </Field>
        )}
        {error && !error.fields && <Alert>{error.message}</Alert>}
        <Button type="submit" disabled={busy}>Thêm trường</Button>
      </form>
    </Card>
  );
}

function FieldRow({ field, index, count, edit, setEdit, onSave, onToggle, onMove, onDelete, busy }) {
  const [confirming, setConfirming] = useState(false);
  const editing = !!edit;
  return (
    <li className={`rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200 ${field.enabled === false ? 'opacity-60' : ''}`} data-field-key={field.key}>
      <div className="flex flex-wrap items-center gap-2">
        <div className="flex flex-col">
          <button type="button" className="rounded px-1 text-slate-600 hover:bg-slate-100 disabled:opacity-30" disabled={index === 0 || busy} onClick={() => onMove(index, -1)} aria-label={`Chuyển ${field.label} lên`}>▲</button>
          <button type="button" className="rounded px-1 text-slate-600 hover:bg-slate-100 disabled:opacity-30" disabled={index === count - 1 || busy} onClick={() => onMove(index, 1)} aria-label={`Chuyển ${field.label} xuống`}>▼</button>
        </div>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-1.5">
            <span className="font-medium text-slate-900">{field.label}</span>
            {field.required && <Badge tone="red">Bắt buộc</Badge>}
            <Badge>{TYPE_LABEL[field.type] || field.type}</Badge>
            {field.builtin ? <Badge tone="violet">Mặc định</Badge> : <Badge tone="assigned">Tuỳ chỉnh</Badge>}
          </div>
          <div className="text-xs text-slate-600">
            <code>{field.key}</code>
            {field.type === 'select' && (field.options || []).length > 0 && <> · {(field.options || []).join(', ')}</>}
          </div>
        </div>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          <input type="checkbox" checked={field.enabled !== false} onChange={() => onToggle(field)} className="h-4 w-4 rounded border-slate-300" aria-label={`Bật trường ${field.label}`} />
          Hiển thị
        </label>
        {!editing && <Button size="sm" variant="secondary" onClick={() => setEdit({ label: field.label, required: !!field.required, optionsText: (field.options || []).join('\n') })}>Sửa</Button>}
        {!field.builtin && (confirming ? (
          <span className="flex items-center gap-1">
            <Button size="sm" variant="danger" onClick={() => { setConfirming(false); onDelete(field); }}>Xác nhận xoá</Button>
            <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>Huỷ</Button>
          </span>
        ) : (
          <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>Xoá</Button>
        ))}
      </div>
      {editing && (
        <form className="mt-3 space-y-2 border-t border-slate-100 pt-3" noValidate onSubmit={(e) => { e.preventDefault(); if (edit.label.trim()) onSave(field); else setEdit({ ...edit, labelError: 'Vui lòng nhập nhãn hiển thị.' }); }}>
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-[1fr_auto]">
            <div>
              <input id={`label-${field.key}`} aria-label={`Nhãn của ${field.key}`} aria-required="true" {...fieldAria(`label-${field.key}`, edit.labelError)} value={edit.label} onChange={(e) => setEdit({ ...edit, label: e.target.value, labelError: '' })} className={inputClass} />
              {edit.labelError && <p id={`label-${field.key}-error`} className="mt-1 text-xs text-red-600" data-testid="field-error">{edit.labelError}</p>}
            </div>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={edit.required} onChange={(e) => setEdit({ ...edit, required: e.target.checked })} className="h-4 w-4 rounded border-slate-300" /> Bắt buộc
            </label>
          </div>
          {field.type === 'select' && (
            <textarea aria-label={`Lựa chọn của ${field.key}`} rows={3} value={edit.optionsText} onChange={(e) => setEdit({ ...edit, optionsText: e.target.value })} className={inputClass} />
          )}
          <div className="flex gap-2">
            <Button size="sm" type="submit" disabled={busy}>Lưu</Button>
            <Button size="sm" variant="ghost" onClick={() => setEdit(null)}>Huỷ</Button>
          </div>
        </form>
      )}
    </li>
  );
}

export function FormFieldsPage() {
  const { value: fields, setValue: setFields, loading, error: loadError } = useFormFields();
  const { value: settings } = useSettings();
  const [draft, setDraft] = useState(NEW_FIELD);
  const [addError, setAddError] = useState(null);
  const [edits, setEdits] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);

  const act = async (fn, okText) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
      if (okText) setNotice(okText);
      return true;
    } catch (err) {
      setError(err.message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const replace = (f) => setFields((list) => sortFields(list.map((x) => (x.key === f.key ? { ...x, ...f } : x))));

  const onAdd = async () => {
    setAddError(null);
    setBusy(true);
    try {
      const body = fieldBody({
        key: draft.key.trim(), label: draft.label, type: draft.type, required: draft.required,
        options: parseOptions(draft.optionsText), enabled: true,
        order: fields.reduce((m, f) => Math.max(m, f.order ?? 0), 0) + 1,
      });
      const res = await createFormField(body);
      setFields((list) => sortFields([...list, res?.field || body]));
      setDraft(NEW_FIELD);
      setNotice(`Đã thêm trường "${body.label}".`);
    } catch (err) {
      setAddError(err);
    } finally {
      setBusy(false);
    }
  };

  const onSave = (field) => {
    const e = edits[field.key];
    return act(async () => {
      const res = await updateFormField(field.key, fieldBody({ ...field, label: e.label, required: e.required, options: field.type === 'select' ? parseOptions(e.optionsText) : [] }));
      replace(res?.field || { ...field, label: e.label, required: e.required });
      setEdits((m) => ({ ...m, [field.key]: null }));
    }, 'Đã lưu.');
  };
  const onToggle = async (field) => {
    const enabled = field.enabled === false;
    replace({ ...field, enabled }); // optimistic; reverted if the server refuses
    const ok = await act(async () => {
      const res = await updateFormField(field.key, fieldBody({ ...field, enabled }));
      if (res?.field) replace(res.field);
    });
    if (!ok) replace(field);
  };
  const onMove = (index, delta) => {
    const keys = moveKey(fields, index, delta);
    if (!keys) return;
    act(async () => {
      const res = await reorderFormFields(keys);
      if (res?.items) setFields(sortFields(res.items));
      else setFields(keys.map((k, i) => ({ ...fields.find((f) => f.key === k), order: i })));
    });
  };
  const onDelete = (field) => act(async () => {
    await deleteFormField(field.key);
    setFields((list) => list.filter((f) => f.key !== field.key));
  }, `Đã xoá trường "${field.label}".`);

  // The preview reflects unsaved edits and the field being added.
  const previewFields = fields.map((f) => {
    const e = edits[f.key];
    return e ? { ...f, label: e.label, required: e.required, options: f.type === 'select' ? parseOptions(e.optionsText) : f.options } : f;
  });
  if (draft.label.trim()) {
    previewFields.push({ key: '__draft', label: draft.label, type: draft.type, required: draft.required, options: parseOptions(draft.optionsText), enabled: true });
  }

  return (
    <div className="mx-auto grid w-full max-w-6xl grid-cols-1 gap-6 p-4 md:p-6 lg:grid-cols-[1fr_360px]">
      <div className="space-y-4">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Biểu mẫu trước khi chat</h1>
          <p className="text-sm text-slate-600">Các trường khách điền trước khi bắt đầu trò chuyện. Thay đổi có hiệu lực ngay trên widget.</p>
        </div>
        {notice && <Alert tone="success">{notice}</Alert>}
        {(error || loadError) && <Alert>{error || loadError.message}</Alert>}
        <ul className="space-y-2" data-testid="form-fields">
          {loading && fields.length === 0 && <li className="text-sm text-slate-600">Đang tải…</li>}
          {fields.map((f, i) => (
            <FieldRow
              key={f.key}
              field={f}
              index={i}
              count={fields.length}
              edit={edits[f.key]}
              setEdit={(e) => setEdits((m) => ({ ...m, [f.key]: e }))}
              onSave={onSave}
              onToggle={onToggle}
              onMove={onMove}
              onDelete={onDelete}
              busy={busy}
            />
          ))}
        </ul>
        <AddFieldForm draft={draft} setDraft={setDraft} onAdd={onAdd} error={addError} busy={busy} />
      </div>
      <div className="lg:sticky lg:top-4 lg:self-start">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Xem trước trên widget</h2>
        <WidgetFormPreview fields={previewFields} settings={settings} highlightKey="__draft" />
      </div>
    </div>
  );
}

export default FormFieldsPage;
