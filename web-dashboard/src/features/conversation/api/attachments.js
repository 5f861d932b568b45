import { fetchBlob, uploadForm } from '../../../lib/api-client/index.js';

export const attachmentPath = (conversationId, attachmentId, thumb = false) =>
  `/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}${thumb ? '?thumb=1' : ''}`;

/** The bytes of an attachment (or its thumbnail) as a Blob, with the Authorization header. */
export const getAttachmentBlob = (conversationId, attachmentId, { thumb = false, signal } = {}) =>
  fetchBlob(attachmentPath(conversationId, attachmentId, thumb), { signal });

/** POST /api/conversations/:id/attachments (multipart: clientId, file, text?) → {message}. */
export function uploadAttachment(conversationId, { file, clientId, text }, { onProgress, signal } = {}) {
  const form = new FormData();
  form.append('clientId', clientId);
  if (text) form.append('text', text);
  form.append('file', file, file.name || 'tep');
  return uploadForm(`/conversations/${encodeURIComponent(conversationId)}/attachments`, form, { onProgress, signal });
}
