import { useEffect, useState } from 'react';
import { getAttachmentBlob } from '../api/attachments.js';

/**
 * Object URL of an attachment fetched with the Authorization header. With
 * `thumb`, tries the thumbnail first and falls back to the full file. The URL
 * is revoked when the component unmounts or the attachment changes.
 */
export function useAttachmentUrl(conversationId, attachment, { thumb = false, enabled = true } = {}) {
  const id = attachment?.id;
  const wantThumb = thumb && attachment?.thumbnail !== false;
  const key = `${conversationId}|${id}|${wantThumb}`;
  const [state, setState] = useState({ key: null, url: null, error: null });
  useEffect(() => {
    if (!enabled || !conversationId || !id) return undefined;
    const ctrl = new AbortController();
    let url = null;
    (async () => {
      let blob;
      try {
        blob = await getAttachmentBlob(conversationId, id, { thumb: wantThumb, signal: ctrl.signal });
      } catch (err) {
        if (err?.name === 'AbortError') return;
        if (!wantThumb) {
          setState({ key, url: null, error: err });
          return;
        }
        try {
          blob = await getAttachmentBlob(conversationId, id, { signal: ctrl.signal });
        } catch (err2) {
          if (err2?.name !== 'AbortError') setState({ key, url: null, error: err2 });
          return;
        }
      }
      if (ctrl.signal.aborted) return;
      url = URL.createObjectURL(blob);
      setState({ key, url, error: null });
    })();
    return () => {
      ctrl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [conversationId, id, wantThumb, enabled, key]);
  const current = state.key === key;
  return { url: current ? state.url : null, error: current ? state.error : null, loading: enabled && !current };
}
