import { initials } from '../lib/format.js';

/**
 * Round avatar with initials. `kind` picks the colours.
 * @param {{name?: string, kind: 'agent'|'visitor', size?: 'sm'|'md'}} props
 */
export function Avatar({ name, kind, size = 'sm' }) {
  const dims = size === 'md' ? 'w-9 h-9 text-sm' : 'w-7 h-7 text-[11px]';
  const colors = kind === 'agent' ? 'bg-slate-700 text-white' : 'bg-primary-soft text-primary-strong';
  return (
    <span aria-hidden="true" className={`${dims} ${colors} shrink-0 rounded-full inline-flex items-center justify-center font-semibold select-none`}>
      {initials(name)}
    </span>
  );
}
