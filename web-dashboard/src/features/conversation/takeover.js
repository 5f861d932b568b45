// Wording of a takeover request's end (takeover.ended), per viewer. Kept
// apart from the component so it is unit-tested.

/** What to tell `meId` about a request that ended with `outcome`. */
export function takeoverEndedText({ takeover, outcome, byName }, meId) {
  const mine = takeover?.requesterId === meId;
  const who = mine ? 'bạn' : takeover?.requesterName || 'nhân viên';
  switch (outcome) {
    case 'accepted':
      return mine ? `${byName || 'Người phụ trách'} đã đồng ý: bạn đang phụ trách cuộc trò chuyện.` : `${byName || 'Người phụ trách'} đã đồng ý chuyển cuộc trò chuyện cho ${who}.`;
    case 'declined':
      return `${byName || 'Người phụ trách'} đã từ chối yêu cầu của ${who}.`;
    case 'cancelled':
      return mine ? 'Bạn đã huỷ yêu cầu nhận cuộc trò chuyện.' : `${who} đã huỷ yêu cầu nhận cuộc trò chuyện.`;
    case 'passed':
      return mine ? 'Không có phản hồi: bạn đang phụ trách cuộc trò chuyện.' : `Không có phản hồi: cuộc trò chuyện đã chuyển cho ${who}.`;
    case 'superseded':
      return `${byName || 'Quản trị viên'} đã nhận ngay cuộc trò chuyện; yêu cầu của ${who} kết thúc.`;
    default:
      return `Yêu cầu nhận cuộc trò chuyện của ${who} đã hết hạn.`;
  }
}

/** Whole seconds left until `deadlineMs` at `nowMs` (never negative). */
export function secondsLeft(deadlineMs, nowMs) {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}
