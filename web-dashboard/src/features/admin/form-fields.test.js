import { describe, it, expect } from 'vitest';
import { moveKey, parseOptions, fieldBody, sortFields } from './form-fields.js';
import { slugify } from '../../lib/format/index.js';

describe('form field helpers', () => {
  const fields = sortFields([{ key: 'phone', order: 2 }, { key: 'name', order: 1 }, { key: 'message', order: 3 }]);
  it('moves keys up and down', () => {
    expect(fields.map((f) => f.key)).toEqual(['name', 'phone', 'message']);
    expect(moveKey(fields, 1, -1)).toEqual(['phone', 'name', 'message']);
    expect(moveKey(fields, 1, 1)).toEqual(['name', 'message', 'phone']);
    expect(moveKey(fields, 0, -1)).toBeNull();
    expect(moveKey(fields, 2, 1)).toBeNull();
  });
  it('parses options and builds bodies', () => {
    expect(parseOptions('Điện thoại\nMáy tính bảng, Phụ kiện\n\nĐiện thoại')).toEqual(['Điện thoại', 'Máy tính bảng', 'Phụ kiện']);
    expect(fieldBody({ key: 'k', label: ' Sản phẩm ', type: 'text', options: ['x'] })).toMatchObject({ label: 'Sản phẩm', options: [], enabled: true, required: false });
  });
  it('slugifies Vietnamese labels', () => {
    expect(slugify('Sản phẩm quan tâm')).toBe('san_pham_quan_tam');
    expect(slugify('Địa chỉ giao hàng!')).toBe('dia_chi_giao_hang');
  });
});
