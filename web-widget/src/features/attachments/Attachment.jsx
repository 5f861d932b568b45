import { useEffect, useRef, useState } from 'react';
import { CloseIcon, FileIcon, SpinnerIcon } from '../../ui/icons.jsx';
import { formatSize } from '../../lib/format.js';
import { t } from '../../i18n/index.js';

/**
 * A blob: URL for an attachment fetched with the visitor token (the
 * thumbnail when there is one, else the full image), revoked on unmount.
 * '' when it could not be loaded.
 */
function useBlobUrl(client, id, thumb, on) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    if (!on) return undefined;
    let dead = false;
    let u;
    const get = (t) => client.attachment(id, t);
    (thumb ? get(true).catch(() => get()) : get()).then((b) => {
      if (dead) return;
      u = URL.createObjectURL(b);
      setUrl(u);
    }, () => !dead && setUrl(''));
    return () => {
      dead = true;
      if (u) URL.revokeObjectURL(u);
      setUrl(null); // never render a revoked URL (e.g. the lightbox opened again)
    };
  }, [client, id, thumb, on]);
  return url;
}

/** Full image over the page; Esc, a click or the close button closes it. */
function Lightbox({ src, name, onClose }) {
  const btn = useRef(null);
  useEffect(() => btn.current.focus(), []);
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={name}
      className="fixed inset-0 z-50 flex items-center justify-center bg-black/80 p-4"
      onClick={onClose}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        } else if (e.key === 'Tab') {
          e.preventDefault(); // the close button is the only control
        }
      }}
      data-testid="lightbox"
    >
      {src ? <img src={src} alt={name} className="max-h-full max-w-full rounded" /> : <SpinnerIcon className="w-8 h-8 text-white" />}
      <button ref={btn} type="button" aria-label={t('closeImage')} className="absolute right-3 top-3 inline-flex h-10 w-10 items-center justify-center rounded-full border-0 bg-black/50 text-white hover:bg-black/70" data-testid="lightbox-close">
        <CloseIcon />
      </button>
    </div>
  );
}

/** Inline thumbnail (size reserved from width/height); click or Enter opens the lightbox. */
export function ImageAttachment({ client, a }) {
  const [open, setOpen] = useState(false);
  const btn = useRef(null);
  const src = useBlobUrl(client, a.id, a.thumbnail, true);
  const full = useBlobUrl(client, a.id, false, open && a.thumbnail);
  const s = a.width > 0 && a.height > 0 ? Math.min(1, 200 / Math.max(a.width, a.height)) : 0;
  return (
    <>
      <button
        ref={btn}
        type="button"
        onClick={() => setOpen(true)}
        aria-label={t('viewImage', { name: a.name })}
        className="block overflow-hidden rounded-xl border-0 bg-gray-200 p-0"
        style={s ? { width: Math.max(48, a.width * s) + 'px', height: Math.max(48, a.height * s) + 'px' } : { width: '160px', height: '120px' }}
        data-testid="image-attachment"
      >
        {src && <img src={src} alt={a.name} className="block h-full w-full object-cover" data-testid="thumbnail" />}
      </button>
      {open && (
        <Lightbox
          src={a.thumbnail ? full : src}
          name={a.name}
          onClose={() => {
            setOpen(false);
            btn.current.focus();
          }}
        />
      )}
    </>
  );
}

/** File link: name and size; downloads through fetch (with the token) → blob → <a download>. */
export function FileAttachment({ client, a }) {
  const [err, setErr] = useState('');
  return (
    <a
      href="#"
      className="flex items-center gap-2 font-medium text-inherit underline underline-offset-2"
      onClick={(e) => {
        e.preventDefault();
        setErr('');
        client.attachment(a.id).then((b) => {
          const l = document.createElement('a');
          l.href = URL.createObjectURL(b);
          l.download = a.name;
          l.click();
          setTimeout(() => URL.revokeObjectURL(l.href), 30000);
        }, () => setErr(t('downloadFailed')));
      }}
      data-testid="file-attachment"
    >
      <FileIcon className="w-5 h-5 shrink-0" />
      <span className="min-w-0 break-all">{a.name}</span>
      <span className="whitespace-nowrap text-xs opacity-80" data-testid="file-size">{formatSize(a.size) + err}</span>
    </a>
  );
}

/** A file being uploaded: name and a progress bar with percent (just the name once failed). */
export function Upload({ m }) {
  const p = m.progress || 0;
  return (
    <span className="block w-44">
      <span className="block truncate">{m.attachment.name}</span>
      {m.status === 'pending' && <span className="mt-1 flex items-center gap-2 text-[11px]">
        <span role="progressbar" aria-label={t('uploading')} aria-valuenow={p} aria-valuemin="0" aria-valuemax="100" className="h-1.5 flex-1 overflow-hidden rounded-full bg-black/20" data-testid="upload-progress">
          <span className="block h-full bg-current" style={{ width: p + '%' }} />
        </span>
        {p}%
      </span>}
    </span>
  );
}
