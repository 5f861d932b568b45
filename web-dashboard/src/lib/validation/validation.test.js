import { describe, expect, it } from 'vitest';
import { fieldAria, formatDmy, parseDmy, rules, validate } from './index.js';

describe('parseDmy / formatDmy', () => {
  const cases = [
    ['05/12/2026', '2026-12-05'],
    ['5/1/2026', '2026-01-05'],
    [' 29/02/2024 ', '2024-02-29'],
    ['05-12-2026', '2026-12-05'],
    ['05.12.2026', '2026-12-05'],
    ['29/02/2026', null],
    ['31/04/2026', null],
    ['2026-12-05', null],
    ['12/31/2026', null],
    ['05/12/26', null],
    ['', null],
    [undefined, null],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${want}`, () => expect(parseDmy(input)).toBe(want));
  it('formats ISO days as dd/mm/yyyy', () => {
    expect(formatDmy('2026-12-05')).toBe('05/12/2026');
    expect(formatDmy('')).toBe('');
    expect(formatDmy('05/12/2026')).toBe('');
  });
});

describe('validate', () => {
  const schema = {
    name: [rules.required('họ tên')],
    email: [rules.required('email'), rules.email()],
    password: [rules.required('mật khẩu'), rules.minLength(8)],
    from: [rules.date()],
    role: [rules.chosen('vai trò')],
    key: [rules.pattern(/^[a-z0-9_]+$/, 'Chỉ dùng chữ thường không dấu, số và dấu gạch dưới.')],
  };
  const cases = [
    { name: 'all good', values: { name: 'An', email: 'an@x.vn', password: 'matkhau123', from: '01/01/2026', role: 'agent', key: 'san_pham' }, want: {} },
    {
      name: 'all empty: the first rule of each field',
      values: {},
      want: { name: 'Vui lòng nhập họ tên.', email: 'Vui lòng nhập email.', password: 'Vui lòng nhập mật khẩu.', role: 'Vui lòng chọn vai trò.' },
    },
    {
      name: 'malformed values',
      values: { name: '  ', email: 'an@', password: 'ngan', from: '31/02/2026', role: 'agent', key: 'Sản phẩm' },
      want: {
        name: 'Vui lòng nhập họ tên.',
        email: 'Email không hợp lệ, ví dụ: ban@congty.vn.',
        password: 'Cần ít nhất 8 ký tự.',
        from: 'Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 05/12/2026).',
        key: 'Chỉ dùng chữ thường không dấu, số và dấu gạch dưới.',
      },
    },
  ];
  for (const c of cases) it(c.name, () => expect(validate(schema, c.values)).toEqual(c.want));
});

describe('fieldAria', () => {
  it('points at the error element only when there is an error', () => {
    expect(fieldAria('email', 'x')).toEqual({ 'aria-invalid': true, 'aria-describedby': 'email-error' });
    expect(fieldAria('email', '')).toEqual({ 'aria-invalid': undefined });
  });
});
