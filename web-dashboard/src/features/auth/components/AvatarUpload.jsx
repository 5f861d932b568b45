import { useId, useRef, useState } from 'react';
import { uploadAvatar } from '../api/avatar.js';
import { avatarFileError } from '../avatar.js';

/**
 * "Đổi ảnh" for agent: a file picker that uploads at once. The photo is
 * checked here for type and size (Vietnamese message next to the button);
 * the server checks the content again. onUploaded(agent) gets the answer.
 */
export function AvatarUpload({ agent, onUploaded, label = 'Đổi ảnh', className = '', dark = false }) {
  const input = useRef(null);
  const errId = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const pick = async (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    const bad = avatarFileError(file);
    setError(bad);
    if (bad) return;
    setBusy(true);
    try {
      const res = await uploadAvatar(agent.id, file);
      if (res?.agent) onUploaded?.(res.agent);
    } catch (err) {
      setError(err.fields?.file || err.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className={`inline-flex flex-col items-start gap-0.5 ${className}`}>
      <button
        type="button"
        onClick={() => input.current?.click()}
        disabled={busy}
        className={`rounded-md px-2 py-1 text-xs font-semibold ring-1 ring-inset disabled:opacity-60 ${dark ? 'text-slate-200 ring-slate-600 hover:bg-slate-800' : 'text-slate-700 ring-slate-300 hover:bg-slate-100'}`}
        aria-label={`${label} đại diện của ${agent.name}`}
        aria-describedby={error ? errId : undefined}
        data-testid="avatar-upload"
      >
        {busy ? 'Đang tải lên…' : label}
      </button>
      <input ref={input} type="file" accept="image/jpeg,image/png,image/webp,image/gif" className="hidden" onChange={pick} data-testid="avatar-file" tabIndex={-1} aria-hidden="true" />
      {error && <span id={errId} role="alert" className={`text-xs ${dark ? 'text-red-300' : 'text-red-600'}`} data-testid="avatar-error">{error}</span>}
    </span>
  );
}
