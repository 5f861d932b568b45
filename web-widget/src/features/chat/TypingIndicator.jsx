import { Avatar } from '../../ui/Avatar.jsx';
import { t } from '../../i18n/index.js';

/** "Đang gõ..." bubble while the agent types. */
export function TypingIndicator({ name }) {
  return (
    <div className="mt-2 flex items-end gap-2" data-testid="typing">
      <Avatar kind="agent" name={name} />
      <div className="flex items-center gap-2 rounded-2xl rounded-bl-md bg-white px-3 py-2 ring-1 ring-gray-200">
        <span className="flex gap-1" aria-hidden="true">
          <span className="cd-dot w-1.5 h-1.5 rounded-full bg-gray-500" />
          <span className="cd-dot w-1.5 h-1.5 rounded-full bg-gray-500" />
          <span className="cd-dot w-1.5 h-1.5 rounded-full bg-gray-500" />
        </span>
        <span className="text-xs text-gray-600" role="status" aria-label={name ? t('typingName', { name }) : undefined}>{t('typing')}</span>
      </div>
    </div>
  );
}
