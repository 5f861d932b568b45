import { describe, expect, it } from 'vitest';
import { cannedValues, fillCannedVariables, unfilledVariables } from './variables.js';

const conversation = {
  visitor: { name: 'Nguyễn Thị Hoa', phone: '0912345678' },
  answers: [
    { key: 'name', label: 'Họ tên', type: 'text', value: 'Nguyễn Thị Hoa' },
    { key: 'san_pham', label: 'Sản phẩm quan tâm', type: 'select', value: 'Áo dài' },
    { key: 'ghi_chu', label: 'Ghi chú', type: 'textarea', value: '' },
    { key: 'nhan_tin', label: 'Nhận tin', type: 'checkbox', value: true },
    { key: 'sdt', label: 'Điện thoại khác', type: 'text', value: '0000' },
  ],
};
const values = cannedValues(conversation, 'Bình');

describe('cannedValues', () => {
  it('takes the visitor, the agent and the form answers; built-ins win over a field with the same key', () => {
    expect(values).toMatchObject({ ten_khach: 'Nguyễn Thị Hoa', sdt: '0912345678', ten_nhan_vien: 'Bình', san_pham: 'Áo dài', ghi_chu: '', nhan_tin: 'Có' });
    expect(cannedValues(null, '')).toEqual({ ten_khach: '', sdt: '', ten_nhan_vien: '' });
  });
});

describe('fillCannedVariables', () => {
  const cases = [
    { name: 'no variable', text: 'Xin chào!', want: 'Xin chào!', unknown: [], empty: [] },
    { name: 'built-ins', text: 'Chào {ten_khach}, em là {ten_nhan_vien}. SĐT: {sdt}', want: 'Chào Nguyễn Thị Hoa, em là Bình. SĐT: 0912345678', unknown: [], empty: [] },
    { name: 'form field key', text: 'Mẫu {san_pham} còn hàng ạ', want: 'Mẫu Áo dài còn hàng ạ', unknown: [], empty: [] },
    { name: 'checkbox answer', text: 'Nhận tin: {nhan_tin}', want: 'Nhận tin: Có', unknown: [], empty: [] },
    { name: 'repeated', text: '{ten_khach} ơi, {ten_khach}', want: 'Nguyễn Thị Hoa ơi, Nguyễn Thị Hoa', unknown: [], empty: [] },
    { name: 'unknown stays and is reported once', text: 'Mã đơn {ma_don} / {ma_don}', want: 'Mã đơn {ma_don} / {ma_don}', unknown: ['ma_don'], empty: [] },
    { name: 'known but empty stays', text: 'Ghi chú: {ghi_chu}', want: 'Ghi chú: {ghi_chu}', unknown: [], empty: ['ghi_chu'] },
    { name: 'mixed', text: '{ten_khach} {x1} {ghi_chu}', want: 'Nguyễn Thị Hoa {x1} {ghi_chu}', unknown: ['x1'], empty: ['ghi_chu'] },
    { name: 'not variables: uppercase, spaces, empty, JSON', text: '{Ten} { sdt } {} {"a":1}', want: '{Ten} { sdt } {} {"a":1}', unknown: [], empty: [] },
    { name: 'a value with braces is not filled again', text: '{ten_khach}', values: { ten_khach: '{sdt}', sdt: '1' }, want: '{sdt}', unknown: [], empty: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(fillCannedVariables(c.text, c.values || values)).toEqual({ text: c.want, unknown: c.unknown, empty: c.empty });
    });
  }
});

describe('unfilledVariables', () => {
  it('lists each "{name}" left in a text once', () => {
    expect(unfilledVariables('Chào {ten_khach}, {ma_don} {ma_don}')).toEqual(['ten_khach', 'ma_don']);
    expect(unfilledVariables('Giá {100k} ok')).toEqual([]);
    expect(unfilledVariables('')).toEqual([]);
  });
});
