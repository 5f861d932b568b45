import { useEffect, useRef, useState } from 'react';
import { Spinner } from '../../../components/ui/index.jsx';
import { formatBytes } from '../../../lib/format/index.js';
import { getAttachmentBlob } from '../api/attachments.js';
import { useAttachmentUrl } from '../hooks/useBlobUrl.js';

function Lightbox({ conversationId, attachment, onClose }) {
  const { url, error } = useAttachmentUrl(conversationId, attachment);
  const closeRef = useRef(null);
  useEffect(() => {
    const onKey = (e) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    closeRef.current?.focus();
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/80 p-6"
      role="dialog"
      aria-modal="true"
      aria-label={attachment.name || 'Hình ảnh'}
      data-testid="lightbox"
      onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}
    >
      <button ref={closeRef} type="button" onClick={onClose} aria-label="Đóng" className="absolute right-4 top-4 rounded-full bg-white/10 px-3 py-1 text-2xl leading-none text-white hover:bg-white/20">×</button>
      {url ? (
        <figure className="flex max-h-full max-w-full flex-col items-center gap-2">
          <img src={url} alt={attachment.name || 'Hình ảnh'} className="max-h-[80vh] max-w-full rounded object-contain shadow-2xl" data-testid="lightbox-image" />
          <figcaption className="flex items-center gap-3 text-sm text-slate-200">
            <span>{attachment.name}</span>
            <a href={url} download={attachment.name || 'hinh-anh'} className="underline">Tải xuống</a>
          </figcaption>
        </figure>
      ) : error ? (
        <p className="rounded bg-white px-3 py-2 text-sm text-red-700">{error.message}</p>
      ) : (
        <Spinner className="h-8 w-8 text-white" />
      )}
    </div>
  );
}

export function ImageAttachment({ conversationId, attachment }) {
  const [open, setOpen] = useState(false);
  const { url, error } = useAttachmentUrl(conversationId, attachment, { thumb: true });
  const w = attachment.width || 320;
  const h = attachment.height || 240;
  const scale = Math.min(1, 240 / Math.max(w, h));
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="block overflow-hidden rounded-lg bg-slate-100 ring-1 ring-slate-200"
        style={{ width: Math.round(w * scale), height: Math.round(h * scale) }}
        aria-label={`Xem ảnh ${attachment.name || ''}`.trim()}
        data-testid="image-attachment"
      >
        {url ? (
          <img src={url} alt={attachment.name || 'Hình ảnh'} className="h-full w-full object-cover" data-testid="image-thumb" />
        ) : error ? (
          <span className="flex h-full items-center justify-center p-2 text-xs text-red-600">Không tải được ảnh</span>
        ) : (
          <span className="flex h-full items-center justify-center text-slate-600"><Spinner /></span>
        )}
      </button>
      {open && <Lightbox conversationId={conversationId} attachment={attachment} onClose={() => setOpen(false)} />}
    </>
  );
}

export function FileAttachment({ conversationId, attachment, light }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const urlRef = useRef(null);
  useEffect(() => () => {
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
  }, []);
  const download = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const blob = await getAttachmentBlob(conversationId, attachment.id);
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
      urlRef.current = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = urlRef.current;
      a.download = attachment.name || 'tep';
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="block">
      <a
        href="#tai-xuong"
        onClick={download}
        data-testid="file-attachment"
        className={`flex items-center gap-2 rounded-lg px-2.5 py-2 text-sm ring-1 ${light ? 'bg-white/10 text-white ring-white/30 hover:bg-white/20' : 'bg-white text-slate-800 ring-slate-200 hover:bg-slate-50'}`}
      >
        <svg viewBox="0 0 20 20" className="h-5 w-5 shrink-0" fill="currentColor" aria-hidden="true"><path d="M4 2h7l5 5v11H4V2zm7 1v5h5" /></svg>
        <span className="min-w-0">
          <span className="block truncate font-medium" data-testid="file-name">{attachment.name || 'Tệp'}</span>
          <span className={`block text-[11px] ${light ? 'text-blue-100' : 'text-slate-500'}`} data-testid="file-size">{formatBytes(attachment.size)}{busy ? ' · Đang tải…' : ''}</span>
        </span>
      </a>
      {error && <span className="mt-0.5 block text-[11px] text-red-600">{error}</span>}
    </span>
  );
}
