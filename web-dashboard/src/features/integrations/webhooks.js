// What the integrations page shows of webhooks, in Vietnamese.

// Webhook event types share names with WebSocket frames (message.created)
// but are another contract (docs/api.md "Webhooks"): the list comes from
// the server (GET /api/admin/webhooks → events), the labels by noun and verb.
const LABELS = {
  conversation: { created: 'Cuộc trò chuyện mới', assigned: 'Phân công nhân viên', resolved: 'Kết thúc cuộc trò chuyện' },
  message: { created: 'Tin nhắn mới' },
  rating: { created: 'Đánh giá' },
  contact: { erased: 'Xóa dữ liệu khách hàng' },
};

export const eventLabel = (e) => {
  const [noun, verb] = String(e).split('.');
  return LABELS[noun]?.[verb] || e;
};

/** The badge of a delivery: its status, and for a pending one whether it failed already. */
export function deliveryStatus(d) {
  if (d.status === 'delivered') return { tone: 'green', label: 'Đã gửi' };
  if (d.status === 'failed') return { tone: 'red', label: 'Thất bại' };
  if (d.attempts > 0) return { tone: 'waiting', label: 'Đang thử lại' };
  return { tone: 'gray', label: 'Đang chờ gửi' };
}

/** What the last attempt answered: "HTTP 500 · máy nhận …", "HTTP 204", "—". */
export function lastOutcome(d) {
  const parts = [];
  if (d.lastStatus) parts.push(`HTTP ${d.lastStatus}`);
  if (d.lastError && !(d.lastStatus && d.lastError.endsWith(`HTTP ${d.lastStatus}`))) parts.push(d.lastError);
  return parts.join(' · ') || '—';
}

/** The body a form sends: trimmed, events in the documented order. */
export function webhookBody(form, allEvents) {
  return {
    url: form.url.trim(),
    description: form.description.trim(),
    events: allEvents.filter((e) => form.events.includes(e)),
    secret: form.secret.trim(),
    allowPrivate: !!form.allowPrivate,
    enabled: !!form.enabled,
  };
}
