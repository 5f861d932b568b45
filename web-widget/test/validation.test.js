import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone, validateField, validateForm, requiredMessage } from '../src/lib/validation.js';

test('phone numbers as the server accepts them (internal/chat/phone.go)', () => {
  const ok = {
    '0912345678': '0912345678',
    '0912 345 678': '0912345678',
    '0912.345.678': '0912345678',
    '0912-345-678': '0912345678',
    '+84 912 345 678': '0912345678',
    '+84912345678': '0912345678',
    '84912345678': '0912345678',
    '0312345678': '0312345678',
    '0512345678': '0512345678',
    '0712345678': '0712345678',
    '0812345678': '0812345678',
    '(024) 3825 1234': '02438251234',
    '02438251234': '02438251234',
    '+84 24 3825 1234': '02438251234',
    '842438251234': '02438251234',
  };
  for (const [input, want] of Object.entries(ok)) assert.equal(normalizePhone(input), want, input);
  const bad = ['', '0112345678', '0612345678', '091234567', '09123456789', '+1 212 555 0100', '0912a45678', '0912_345_678', '1234567890', '0212345678'];
  for (const input of bad) assert.equal(normalizePhone(input), null, input);
});

const name = { key: 'name', label: 'Họ tên', type: 'text', required: true };
const phone = { key: 'phone', label: 'Số điện thoại', type: 'phone', required: true };
const topic = { key: 'topic', label: 'Chủ đề', type: 'select', required: true, options: ['Mua hàng', 'Bảo hành'] };
const agree = { key: 'agree', label: 'Tôi đồng ý', type: 'checkbox', required: true };
const note = { key: 'message', label: 'Nội dung', type: 'textarea' };

test('messages mirror the server', () => {
  assert.equal(validateField(name, '  '), 'Vui lòng nhập họ tên.');
  assert.equal(validateField(phone, '123'), 'Số điện thoại không hợp lệ (ví dụ: 0912 345 678).');
  assert.equal(validateField(topic, ''), 'Vui lòng chọn chủ đề.');
  assert.equal(validateField(topic, 'Khác'), 'Vui lòng chọn một giá trị trong danh sách.');
  assert.equal(validateField(agree, false), 'Vui lòng đánh dấu ô này.');
  assert.equal(validateField(name, 'x'.repeat(1001)), 'Tối đa 1000 ký tự.');
  assert.equal(validateField(note, 'x'.repeat(4000)), '');
  assert.equal(validateField(note, 'x'.repeat(4001)), 'Tối đa 4000 ký tự.');
  assert.equal(requiredMessage({ type: 'text', label: 'Địa chỉ' }), 'Vui lòng nhập địa chỉ.');
});

test('validateForm builds the payload: trimmed strings, booleans for checkboxes, empty optional fields left out', () => {
  const fields = [name, phone, topic, agree, note];
  const { errors, payload } = validateForm(fields, { name: ' Nguyễn Văn Bình ', phone: '0912 345 678', topic: 'Bảo hành', agree: true, message: '' });
  assert.deepEqual(errors, {});
  assert.deepEqual(payload, { name: 'Nguyễn Văn Bình', phone: '0912 345 678', topic: 'Bảo hành', agree: true });
  const r = validateForm(fields, {});
  assert.deepEqual(Object.keys(r.errors), ['name', 'phone', 'topic', 'agree']);
  assert.equal(r.payload.agree, false);
});
