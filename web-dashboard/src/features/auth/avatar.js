// Checks made before an avatar upload, with the server's own limits and
// wording (docs/api.md "Agent photos"): the server decides from the bytes,
// this only spares a useless upload.

export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/** The Vietnamese reason a file cannot be a photo, or ''. */
export function avatarFileError(file) {
  if (!file) return 'Vui lòng chọn một ảnh.';
  if (!TYPES.includes(file.type)) return 'Ảnh đại diện phải là ảnh JPG, PNG, WebP hoặc GIF.';
  if (file.size > MAX_AVATAR_BYTES) return 'Ảnh đại diện quá lớn (tối đa 5 MB).';
  if (file.size === 0) return 'Tệp trống.';
  return '';
}
