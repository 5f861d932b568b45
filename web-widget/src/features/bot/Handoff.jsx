import { useState } from 'react';
import { t } from '../../i18n/index.js';

/**
 * "Gặp nhân viên hỗ trợ" while the latest message that is not the visitor's
 * comes from the bot (and the visitor has not asked yet). The server's
 * system message then arrives as a normal message.
 */
export function Handoff({ items, conv, client }) {
  const [asked, setAsked] = useState(false);
  let last = null;
  for (const m of items) if (!m.local && m.senderType !== 'visitor') last = m;
  if (asked || !last || last.senderType !== 'bot' || (conv && conv.handoffAt)) return null;
  return (
    <div className="flex justify-center border-t border-gray-200 bg-white px-3 py-2 shrink-0">
      <button
        type="button"
        onClick={() => {
          setAsked(true);
          client.handoff().then((ok) => ok || setAsked(false));
        }}
        className="rounded-full border border-primary bg-white px-4 py-1.5 text-sm font-semibold text-primary-strong hover:bg-primary-soft"
        data-testid="handoff"
      >
        {t('handoff')}
      </button>
    </div>
  );
}
