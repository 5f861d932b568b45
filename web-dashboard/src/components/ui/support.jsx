import { PRIORITY_LABELS, formatDateTime } from '../../lib/format/index.js';

const PRIORITY_TONE = {
  low: 'bg-slate-50 text-slate-600 ring-slate-400/30',
  normal: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  high: 'bg-orange-50 text-orange-700 ring-orange-600/30',
  urgent: 'bg-red-600 text-white ring-red-700',
};

/** Priority badge; `normal` is hidden unless `always`. */
export function PriorityBadge({ priority, always = false }) {
  const p = priority || 'normal';
  if (p === 'normal' && !always) return null;
  return (
    <span data-testid="priority-badge" data-priority={p} className={`inline-flex items-center rounded-md px-1.5 py-0.5 text-[11px] font-semibold ring-1 ring-inset ${PRIORITY_TONE[p] || PRIORITY_TONE.normal}`}>
      {p === 'urgent' && <span aria-hidden="true" className="mr-0.5">!</span>}
      {PRIORITY_LABELS[p] || p}
    </span>
  );
}

export function TagList({ tags, className = '' }) {
  if (!tags || tags.length === 0) return null;
  return (
    <span className={`inline-flex flex-wrap gap-1 ${className}`} data-testid="tag-list">
      {tags.map((t) => (
        <span key={t} data-testid="tag" className="rounded-full bg-violet-50 px-1.5 py-px text-[11px] text-violet-700 ring-1 ring-inset ring-violet-200">#{t}</span>
      ))}
    </span>
  );
}

/** ★★★★☆ with an accessible label. */
export function Stars({ stars, size = 'text-sm' }) {
  const n = Math.max(0, Math.min(5, Number(stars) || 0));
  return (
    <span className={`inline-flex ${size} leading-none`} role="img" aria-label={`${n} trên 5 sao`} data-testid="rating-stars" data-stars={n}>
      {[1, 2, 3, 4, 5].map((i) => (
        <span key={i} aria-hidden="true" className={i <= n ? 'text-amber-400' : 'text-slate-300'}>★</span>
      ))}
    </span>
  );
}

/** The visitor's rating of a conversation (stars, time, comment), or "none yet". */
export function RatingBlock({ rating }) {
  return (
    <div className="space-y-1" data-testid="rating-block">
      <div className="text-[11px] font-medium uppercase tracking-wide text-slate-600">Đánh giá của khách</div>
      {rating ? (
        <div>
          <div className="flex items-center gap-2">
            <Stars stars={rating.stars} size="text-lg" />
            <span className="text-xs text-slate-600">{formatDateTime(rating.at)}</span>
          </div>
          {rating.comment && <p className="mt-1 whitespace-pre-wrap rounded-md bg-amber-50 px-2 py-1.5 text-sm text-slate-800" data-testid="rating-comment">“{rating.comment}”</p>}
        </div>
      ) : (
        <p className="text-xs text-slate-600">Chưa có đánh giá.</p>
      )}
    </div>
  );
}
