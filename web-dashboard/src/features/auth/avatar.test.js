import { describe, expect, it } from 'vitest';
import { avatarFileError, MAX_AVATAR_BYTES } from './avatar.js';

describe('avatarFileError', () => {
  const cases = [
    { name: 'no file', file: null, want: 'Vui lòng chọn một ảnh.' },
    { name: 'PNG', file: { type: 'image/png', size: 1000 }, want: '' },
    { name: 'JPEG at the limit', file: { type: 'image/jpeg', size: MAX_AVATAR_BYTES }, want: '' },
    { name: 'PDF', file: { type: 'application/pdf', size: 1000 }, want: 'Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF.' },
    { name: 'SVG (scripts inside)', file: { type: 'image/svg+xml', size: 1000 }, want: 'Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF.' },
    { name: 'over 5 MB', file: { type: 'image/webp', size: MAX_AVATAR_BYTES + 1 }, want: 'Ảnh đại diện quá lớn (tối đa 5 MB).' },
    { name: 'empty', file: { type: 'image/gif', size: 0 }, want: 'Tệp trống.' },
  ];
  for (const c of cases) it(c.name, () => expect(avatarFileError(c.file)).toBe(c.want));
});
