// Files sent as messages: POST …/attachments in every mode (never over the
// WebSocket) through the api's XMLHttpRequest, with an optimistic pending
// item that shows the upload progress and is matched to the stored message by
// its clientId like any other. Also downloads attachments with the visitor
// token, since they are not public.

import { ERROR_CODE, MAX_UPLOAD_BYTES, newClientId } from '../protocol.js';
import { t } from '../../i18n/index.js';
import { postPending } from './outbox.js';

export class Uploads {
  /** @param {import('./client.js').ChatClient} c */
  constructor(c) {
    this.c = c;
    /** clientIds being uploaded (a poll's resend must not start one twice) */
    this.active = new Set();
  }

  /**
   * @param {File} file
   * @param {string} [text] caption
   * @returns {string|null} the clientId, or null if refused before upload
   */
  send(file, text = '') {
    const c = this.c;
    if (!file) return null;
    if (file.size > MAX_UPLOAD_BYTES) {
      c.showNotice(ERROR_CODE.TOO_LARGE, t('tooLarge'), 8);
      return null;
    }
    const clientId = newClientId(c.random);
    c.transcript.addPending(clientId, text, new Date(c.now()).toISOString(), {
      file, kind: /^image\//.test(file.type) ? 'image' : 'file', attachment: { name: file.name, size: file.size }, progress: 0,
    });
    c.changed();
    this.start(clientId);
    return clientId;
  }

  /** Uploads a pending file message (again, after "Thử lại"). */
  async start(clientId) {
    const c = this.c;
    const progressed = (progress) => {
      const cur = c.transcript.pending.get(clientId);
      if (cur && cur.progress !== progress && c.transcript.mark(clientId, 'pending', undefined, { progress })) c.changed();
    };
    await postPending(c, this.active, clientId,
      (p) => c.api.upload(c.conversationId, c.token, { clientId, file: p.file, text: p.text }, progressed),
      // The server's reason (413/415/400) or the network; "Thử lại" re-uploads.
      (e) => c.outbox.failed(clientId, e));
  }

  /** Fetches an attachment (or its thumbnail) with the visitor token. @returns {Promise<Blob>} */
  fetch(id, thumb) {
    const c = this.c;
    const enc = encodeURIComponent;
    return c.api.blob(`/api/conversations/${enc(c.conversationId)}/attachments/${enc(id)}${thumb ? '?thumb=1' : ''}`, c.token);
  }
}
