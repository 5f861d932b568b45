import { uploadForm } from '../../../lib/api-client/index.js';

/** PUT /api/agents/:id/avatar (multipart "file") → {agent}: one's own photo, or anyone's as an admin. */
export function uploadAvatar(agentId, file) {
  const form = new FormData();
  form.append('file', file);
  return uploadForm(`/agents/${encodeURIComponent(agentId)}/avatar`, form, { method: 'PUT' });
}
