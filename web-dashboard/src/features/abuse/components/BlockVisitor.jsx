import { useState } from 'react';
import { Alert, Button, Field, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { addBlock } from '../api/blocks.js';
import { DURATIONS, blockChoices } from '../blocks.js';

/**
 * "Chặn khách" in a conversation's side panel: any agent blocks its
 * visitor — this conversation, their phone, address or network — for a
 * while, with a reason. Blocked visitors can neither open a conversation
 * nor send; admins lift blocks (Quản trị → Chặn khách).
 */
export function BlockVisitor({ conversation }) {
  const choices = blockChoices(conversation);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState('visitor');
  const [hours, setHours] = useState(24 * 7);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await addBlock({ kind, conversationId: conversation.id, reason: reason.trim(), durationHours: Number(hours) });
      setDone(res?.block || null);
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="border-t border-slate-200 p-4 text-sm" data-testid="block-visitor">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-700">Chặn khách</h3>
      {done && (
        <Alert tone="success" className="mb-2">
          <span data-testid="block-done">Đã chặn {done.kind === 'phone' ? `số ${done.value}` : done.kind === 'ip' ? done.value : 'khách này'} đến {formatDateTime(done.expiresAt)}.</span>
        </Alert>
      )}
      {!open ? (
        <Button variant="danger" size="sm" onClick={() => { setOpen(true); setDone(null); }} data-testid="block-open">Chặn khách…</Button>
      ) : (
        <form onSubmit={submit} noValidate className="space-y-3" aria-label="Chặn khách">
          <fieldset className="space-y-1">
            <legend className="mb-1 text-xs text-slate-600">Chặn theo</legend>
            {choices.map((c) => (
              <label key={c.kind} className="flex items-center gap-2">
                <input type="radio" name="block-kind" value={c.kind} checked={kind === c.kind} onChange={() => setKind(c.kind)} data-testid={`block-kind-${c.kind}`} />
                <span>{c.label}</span>
              </label>
            ))}
          </fieldset>
          <Field label="Thời hạn" htmlFor="block-hours" error={error?.fields?.durationHours}>
            <select id="block-hours" value={hours} onChange={(e) => setHours(e.target.value)} className={inputClass}>
              {DURATIONS.map((d) => <option key={d.hours} value={d.hours}>{d.label}</option>)}
            </select>
          </Field>
          <Field label="Lý do (chỉ nhân viên thấy)" htmlFor="block-reason" error={error?.fields?.reason}>
            <input id="block-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} className={inputClass} placeholder="VD: gửi tin rác, quấy rối" data-testid="block-reason" />
          </Field>
          {error && <Alert>{error.fields?.value || error.fields?.kind || error.message}</Alert>}
          <div className="flex gap-2">
            <Button type="submit" variant="danger" size="sm" disabled={busy} data-testid="block-submit">Chặn</Button>
            <Button variant="secondary" size="sm" onClick={() => setOpen(false)}>Hủy</Button>
          </div>
        </form>
      )}
    </section>
  );
}
