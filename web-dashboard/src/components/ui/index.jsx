import { useState } from 'react';
import { initials } from '../../lib/format/index.js';

const BTN = {
  primary: 'bg-blue-600 text-white hover:bg-blue-700 focus-visible:ring-blue-500 disabled:bg-blue-300',
  secondary: 'bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:ring-blue-500 disabled:text-slate-400',
  danger: 'bg-white text-red-600 ring-1 ring-inset ring-red-200 hover:bg-red-50 focus-visible:ring-red-500 disabled:text-red-300',
  // emerald-700, not 600: white on emerald-600 is 3.8:1, under WCAG AA's 4.5:1 for small text (axe color-contrast).
  success: 'bg-emerald-700 text-white hover:bg-emerald-800 focus-visible:ring-emerald-600 disabled:bg-emerald-300',
  ghost: 'text-slate-600 hover:bg-slate-100 focus-visible:ring-blue-500 disabled:text-slate-300',
};

export function Button({ variant = 'primary', size = 'md', className = '', type = 'button', ...props }) {
  const sz = size === 'sm' ? 'px-2.5 py-1 text-xs' : 'px-3.5 py-2 text-sm';
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1.5 rounded-md font-medium shadow-sm transition focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-1 disabled:cursor-not-allowed ${sz} ${BTN[variant]} ${className}`}
      {...props}
    />
  );
}

export function Spinner({ className = 'h-4 w-4' }) {
  return (
    <svg className={`animate-spin text-current ${className}`} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle className="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" />
      <path className="opacity-75" fill="currentColor" d="M4 12a8 8 0 018-8v4a4 4 0 00-4 4H4z" />
    </svg>
  );
}

const AVATAR_COLORS = ['bg-sky-700', 'bg-violet-700', 'bg-amber-700', 'bg-rose-700', 'bg-teal-700', 'bg-indigo-600', 'bg-lime-700', 'bg-fuchsia-700'];

export function colorFor(key) {
  let h = 0;
  for (const ch of String(key || '')) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return AVATAR_COLORS[h % AVATAR_COLORS.length];
}

/** Round avatar: the photo when there is one (`src`), else initials on a colour of colorKey. */
export function Avatar({ name, colorKey, size = 'md', online, src }) {
  const sz = size === 'sm' ? 'h-7 w-7 text-[11px]' : size === 'lg' ? 'h-11 w-11 text-sm' : 'h-9 w-9 text-xs';
  // A photo that fails to load (a conversation may still name a replaced,
  // deleted one) falls back to the initials.
  const [broken, setBroken] = useState('');
  return (
    <span className="relative inline-flex shrink-0">
      {src && src !== broken ? (
        <img src={src} alt="" aria-hidden="true" className={`rounded-full object-cover ${sz}`} data-testid="avatar-photo" onError={() => setBroken(src)} />
      ) : (
        <span className={`inline-flex items-center justify-center rounded-full font-semibold text-white ${sz} ${colorFor(colorKey || name)}`} aria-hidden="true">
          {initials(name)}
        </span>
      )}
      {online !== undefined && (
        <span className={`absolute -bottom-0.5 -right-0.5 h-3 w-3 rounded-full ring-2 ring-white ${online === 'away' ? 'bg-amber-400' : online ? 'bg-emerald-500' : 'bg-slate-300'}`} />
      )}
    </span>
  );
}

const BADGE = {
  waiting: 'bg-amber-50 text-amber-700 ring-amber-600/20',
  assigned: 'bg-blue-50 text-blue-700 ring-blue-600/20',
  resolved: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  red: 'bg-red-50 text-red-700 ring-red-600/20',
  gray: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  violet: 'bg-violet-50 text-violet-700 ring-violet-600/20',
};

export function Badge({ tone = 'gray', children, className = '' }) {
  return (
    <span className={`inline-flex items-center rounded-md px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${BADGE[tone] || BADGE.gray} ${className}`}>
      {children}
    </span>
  );
}

export function Alert({ tone = 'error', children, className = '' }) {
  const t = tone === 'error' ? 'bg-red-50 text-red-800 ring-red-200' : tone === 'warn' ? 'bg-amber-50 text-amber-900 ring-amber-200' : tone === 'success' ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : 'bg-blue-50 text-blue-800 ring-blue-200';
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-md px-3 py-2 text-sm ring-1 ring-inset ${t} ${className}`}>
      {children}
    </div>
  );
}

export const inputClass = 'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-blue-600 disabled:bg-slate-50 disabled:text-slate-600';

export function Field({ label, error, children, hint, htmlFor }) {
  return (
    <div className="space-y-1">
      {label && <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-700">{label}</label>}
      {children}
      {hint && !error && <p className="text-xs text-slate-600">{hint}</p>}
      {error && <p id={htmlFor ? `${htmlFor}-error` : undefined} className="text-xs text-red-600" data-testid="field-error">{error}</p>}
    </div>
  );
}

/**
 * A date typed as dd/mm/yyyy whatever the browser's locale (an
 * <input type=date> shows mm/dd/yyyy on an American browser). The value is
 * the text as typed; check it with rules.date() and convert with parseDmy.
 */
export function DateInput({ className = inputClass, ...props }) {
  return <input type="text" inputMode="numeric" autoComplete="off" maxLength={10} placeholder="dd/mm/yyyy" className={className} {...props} />;
}

export function Card({ className = '', children, ...rest }) {
  return <div className={`rounded-lg bg-white shadow-sm ring-1 ring-slate-200 ${className}`} {...rest}>{children}</div>;
}

export function EmptyState({ children }) {
  return <div className="px-4 py-8 text-center text-sm text-slate-600">{children}</div>;
}

/** The chatdesk mark and name: small in the header (on dark), large on the login page. */
export function Brand({ size = 'sm' }) {
  const large = size === 'lg';
  return (
    <div className={`flex items-center gap-2${large ? ' mb-6 justify-center' : ''}`}>
      <span className={`inline-flex items-center justify-center bg-blue-600 text-white ${large ? 'h-10 w-10 rounded-xl shadow' : 'h-7 w-7 rounded-lg'}`}>
        <svg viewBox="0 0 24 24" className={large ? 'h-6 w-6' : 'h-4 w-4'} fill="currentColor"><path d="M4 5h16v11H9l-5 4z" /></svg>
      </span>
      <span className={`font-bold tracking-tight ${large ? 'text-2xl text-slate-900' : 'text-base text-white'}`}>chatdesk</span>
    </div>
  );
}
