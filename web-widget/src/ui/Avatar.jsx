import { useState } from 'react';
import { initials } from '../lib/format.js';
import { BotIcon } from './icons.jsx';

/**
 * Round avatar: the agent's photo when there is one (`src`, absolute), the
 * bot's icon for the bot, initials otherwise — also when the photo fails to
 * load (a conversation may still name an agent's replaced, deleted photo).
 * `kind` picks the colours.
 * @param {{name?: string, kind: 'agent'|'visitor'|'bot', src?: string, size?: 'sm'|'md'}} props
 */
export function Avatar({ name, kind, src, size = 'sm' }) {
  const dims = size === 'md' ? 'w-9 h-9 text-sm' : 'w-7 h-7 text-[11px]';
  const colors = kind === 'visitor' ? 'bg-primary-soft text-primary-strong' : 'bg-slate-700 text-white';
  const [broken, setBroken] = useState('');
  return (
    <span aria-hidden="true" className={`${dims} ${colors} shrink-0 rounded-full inline-flex items-center justify-center font-semibold select-none overflow-hidden`}>
      {src && src !== broken ? <img src={src} alt="" className="w-full h-full object-cover" onError={() => setBroken(src)} /> : kind === 'bot' ? <BotIcon className="w-4 h-4" /> : initials(name)}
    </span>
  );
}
