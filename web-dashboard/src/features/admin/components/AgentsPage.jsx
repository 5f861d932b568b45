import { useState } from 'react';
import { Alert, Avatar, Badge, Button, Card, Field, inputClass } from '../../../components/ui/index.jsx';
import { formatDateTime } from '../../../lib/format/index.js';
import { AvatarUpload, updateMe, useAuth } from '../../auth/index.js';
import { fieldAria, hasErrors, rules, validate } from '../../../lib/validation/index.js';
import { createAgent, updateAgent } from '../api/agents.js';
import { useAdminAgents } from '../hooks/useAdminData.js';

const EMPTY = { name: '', email: '', password: '', role: 'agent' };
const AGENT_SCHEMA = {
  name: [rules.required('họ tên')],
  email: [rules.required('email'), rules.email()],
  password: [rules.required('mật khẩu'), rules.minLength(8)],
};
const PASSWORD_SCHEMA = { password: [rules.required('mật khẩu mới'), rules.minLength(8)] };

function CreateAgentForm({ onCreated }) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState({});
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const fe = { ...(error?.fields || {}), ...invalid };
  const submit = async (e) => {
    e.preventDefault();
    const bad = validate(AGENT_SCHEMA, form);
    setInvalid(bad);
    if (hasErrors(bad)) {
      document.getElementById(`new-agent-${Object.keys(bad)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await createAgent({ ...form, email: form.email.trim(), name: form.name.trim() });
      setForm(EMPTY);
      onCreated(res?.agent);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-semibold text-slate-900">Thêm nhân viên</h2>
      <form onSubmit={submit} noValidate className="grid grid-cols-1 items-start gap-3 md:grid-cols-[1fr_1fr_1fr_auto_auto]" aria-label="Thêm nhân viên" data-testid="new-agent-form">
        <Field label="Họ tên" htmlFor="new-agent-name" error={fe.name}>
          <input id="new-agent-name" aria-required="true" {...fieldAria('new-agent-name', fe.name)} value={form.name} onChange={set('name')} className={inputClass} />
        </Field>
        <Field label="Email" htmlFor="new-agent-email" error={fe.email}>
          <input id="new-agent-email" type="email" aria-required="true" {...fieldAria('new-agent-email', fe.email)} value={form.email} onChange={set('email')} className={inputClass} />
        </Field>
        <Field label="Mật khẩu" htmlFor="new-agent-password" error={fe.password} hint="Ít nhất 8 ký tự.">
          <input id="new-agent-password" type="password" aria-required="true" {...fieldAria('new-agent-password', fe.password)} value={form.password} onChange={set('password')} className={inputClass} autoComplete="new-password" />
        </Field>
        <Field label="Vai trò" error={error?.fields?.role}>
          <select aria-label="Vai trò" value={form.role} onChange={set('role')} className={inputClass}>
            <option value="agent">Nhân viên</option>
            <option value="admin">Quản trị</option>
          </select>
        </Field>
        <div className="flex items-end self-end">
          <Button type="submit" disabled={busy}>Thêm</Button>
        </div>
      </form>
      {error && !error.fields && <Alert className="mt-3">{error.message}</Alert>}
    </Card>
  );
}

function PasswordReset({ agent, onDone }) {
  const [open, setOpen] = useState(false);
  const [pw, setPw] = useState('');
  const [error, setError] = useState(null);
  if (!open) return <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>Đặt lại mật khẩu</Button>;
  const save = async (e) => {
    e.preventDefault();
    const bad = validate(PASSWORD_SCHEMA, { password: pw });
    if (hasErrors(bad)) {
      setError(bad.password);
      return;
    }
    try {
      await updateAgent(agent.id, { password: pw });
      setOpen(false);
      setPw('');
      onDone(`Đã đặt lại mật khẩu cho ${agent.name}.`);
    } catch (err) {
      setError(err.fields?.password || err.message);
    }
  };
  return (
    <form onSubmit={save} noValidate className="flex flex-col gap-1">
      <div className="flex gap-1">
        <input id={`pw-${agent.id}`} aria-label={`Mật khẩu mới cho ${agent.name}`} type="password" autoComplete="new-password" aria-required="true" {...fieldAria(`pw-${agent.id}`, error)} value={pw} onChange={(e) => setPw(e.target.value)} className={`${inputClass} !w-36 !py-1 text-xs`} placeholder="Mật khẩu mới" />
        <Button size="sm" type="submit">Lưu</Button>
        <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>Huỷ</Button>
      </div>
      {error && <span id={`pw-${agent.id}-error`} className="text-xs text-red-600">{error}</span>}
    </form>
  );
}

export function AgentsPage() {
  const { agent: me } = useAuth();
  const { value: agents, setValue, loading, error, reload } = useAdminAgents();
  const [notice, setNotice] = useState(null);
  const [rowError, setRowError] = useState(null);

  const patch = async (a, body, okText) => {
    setRowError(null);
    setNotice(null);
    try {
      const res = await updateAgent(a.id, body);
      if (res?.agent) setValue((list) => list.map((x) => (x.id === a.id ? { ...x, ...res.agent } : x)));
      else reload();
      if (okText) setNotice(okText);
    } catch (err) {
      setRowError(err.message);
    }
  };

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-6">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">Nhân viên</h1>
        <p className="text-sm text-slate-600">Tạo tài khoản, phân quyền, vô hiệu hoá và đặt lại mật khẩu.</p>
      </div>
      <CreateAgentForm onCreated={(a) => { setNotice(a ? `Đã thêm ${a.name}.` : null); reload(); }} />
      {notice && <Alert tone="success">{notice}</Alert>}
      {(rowError || error) && <Alert>{rowError || error.message}</Alert>}
      <Card className="overflow-hidden">
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="agents-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-4 py-2.5">Nhân viên</th>
                <th className="px-4 py-2.5">Vai trò</th>
                <th className="px-4 py-2.5">Trạng thái</th>
                <th className="px-4 py-2.5">Tạo lúc</th>
                <th className="px-4 py-2.5 text-right">Thao tác</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {loading && agents.length === 0 && (
                <tr><td colSpan={5} className="px-4 py-6 text-center text-slate-600">Đang tải…</td></tr>
              )}
              {agents.map((a) => (
                <tr key={a.id} data-agent-email={a.email} className={a.disabled ? 'bg-slate-50/60' : ''}>
                  <td className="px-4 py-2.5">
                    <div className="flex items-center gap-3">
                      <Avatar name={a.name} colorKey={a.id} src={a.avatarUrl} />
                      <div>
                        <div className="font-medium text-slate-900">{a.name}{a.id === me?.id && <span className="ml-1 text-xs font-normal text-slate-600">(bạn)</span>}</div>
                        <div className="text-xs text-slate-600">{a.email}</div>
                      </div>
                    </div>
                  </td>
                  <td className="px-4 py-2.5">
                    <select
                      aria-label={`Vai trò của ${a.name}`}
                      value={a.role}
                      disabled={a.id === me?.id}
                      onChange={(e) => patch(a, { role: e.target.value }, `Đã đổi vai trò của ${a.name}.`)}
                      className={`${inputClass} !w-32 !py-1 text-xs`}
                    >
                      <option value="agent">Nhân viên</option>
                      <option value="admin">Quản trị</option>
                    </select>
                  </td>
                  <td className="px-4 py-2.5">{a.disabled ? <Badge tone="red">Đã vô hiệu hoá</Badge> : <Badge tone="green">Đang hoạt động</Badge>}</td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-slate-600">{formatDateTime(a.createdAt)}</td>
                  <td className="px-4 py-2.5">
                    <div className="flex flex-wrap items-center justify-end gap-2">
                      <AvatarUpload
                        agent={a}
                        onUploaded={(u) => {
                          setValue((list) => list.map((x) => (x.id === u.id ? { ...x, avatarUrl: u.avatarUrl } : x)));
                          if (u.id === me?.id) updateMe({ avatarUrl: u.avatarUrl });
                          setNotice(`Đã đổi ảnh đại diện của ${a.name}.`);
                        }}
                      />
                      <PasswordReset agent={a} onDone={setNotice} />
                      {a.id !== me?.id && (
                        a.disabled ? (
                          <Button size="sm" variant="secondary" onClick={() => patch(a, { disabled: false }, `Đã kích hoạt lại ${a.name}.`)}>Kích hoạt</Button>
                        ) : (
                          <Button size="sm" variant="danger" onClick={() => patch(a, { disabled: true }, `Đã vô hiệu hoá ${a.name}.`)}>Vô hiệu hoá</Button>
                        )
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}

export default AgentsPage;
