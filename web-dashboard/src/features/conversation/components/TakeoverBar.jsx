import { Button } from '../../../components/ui/index.jsx';

// A thumb's size (44 px) on a phone, the compact size beside the desk's text elsewhere.
const ANSWER = 'min-h-11 sm:min-h-0';

/**
 * A pending takeover request under the owner banner: the owner is asked
 * ("Đồng ý" / "Từ chối", with a countdown), the requester waits ("Huỷ
 * yêu cầu"), others see who asked. The last outcome is announced in the
 * same live region.
 */
export function TakeoverBar({ takeover, secondsLeft, ended, ownerName, isOwner, meId, busy, onAccept, onDecline, onCancel }) {
  let body = null;
  if (takeover && isOwner) {
    body = (
      <>
        <span data-testid="takeover-prompt">
          <strong>{takeover.requesterName}</strong> xin nhận cuộc trò chuyện này. Còn <span role="timer" data-testid="takeover-countdown">{secondsLeft}</span> giây để trả lời.
        </span>
        <span className="flex gap-2">
          <Button variant="primary" size="sm" onClick={onAccept} disabled={busy} className={ANSWER} data-testid="takeover-accept">Đồng ý</Button>
          <Button variant="secondary" size="sm" onClick={onDecline} disabled={busy} className={ANSWER} data-testid="takeover-decline">Từ chối</Button>
        </span>
      </>
    );
  } else if (takeover && takeover.requesterId === meId) {
    body = (
      <>
        <span data-testid="takeover-waiting">Đang chờ {ownerName || 'người phụ trách'} trả lời yêu cầu nhận cuộc trò chuyện (còn <span role="timer">{secondsLeft}</span> giây).</span>
        <Button variant="secondary" size="sm" onClick={onCancel} disabled={busy} className={ANSWER} data-testid="takeover-cancel">Huỷ yêu cầu</Button>
      </>
    );
  } else if (takeover) {
    body = <span data-testid="takeover-other">{takeover.requesterName} đang xin nhận cuộc trò chuyện này.</span>;
  } else if (ended) {
    body = <span data-testid="takeover-ended">{ended}</span>;
  }
  return (
    <div aria-live="polite" className={body ? 'flex flex-wrap items-center justify-between gap-2 border-b border-violet-200 bg-violet-50 px-4 py-2 text-sm text-violet-950' : ''} data-testid="takeover-bar">
      {body}
    </div>
  );
}
