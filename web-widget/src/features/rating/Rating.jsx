import { useState } from 'react';
import { StarIcon } from '../../ui/icons.jsx';
import { t, errorText } from '../../i18n/index.js';

const N = [1, 2, 3, 4, 5];
const star = (on) => 'block w-8 h-8 ' + (on ? 'text-amber-500' : 'text-gray-300');

/**
 * Shown while the conversation is resolved: 1–5 stars (native radios, so
 * arrows/Tab/Space work) with an optional comment, or the thanks once rated.
 * A conversation resolved again after the last rating asks again.
 */
export function Rating({ conv, client }) {
  const r = conv.rating;
  const [stars, setStars] = useState(0);
  const [hover, setHover] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const box = 'mx-auto mt-4 max-w-[300px] rounded-2xl bg-white p-4 text-center ring-1 ring-gray-200';

  if (r && !(Date.parse(conv.resolvedAt) > Date.parse(r.at))) {
    return (
      <div role="status" className={box} data-testid="rating-thanks">
        <p className="m-0 mb-2 text-sm font-semibold">{t('rated')}</p>
        <span role="img" aria-label={t('starsOf', { n: r.stars })} className="inline-flex gap-1">
          {N.map((n) => <StarIcon key={n} className={star(n <= r.stars)} />)}
        </span>
      </div>
    );
  }
  const shown = hover || stars;
  return (
    <form
      className={box}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setErr('');
        client.rate(stars, comment.trim()).catch((x) => setErr(errorText(x))).finally(() => setBusy(false));
      }}
      data-testid="rating"
    >
      <fieldset className="m-0 border-0 p-0">
        <legend className="mb-2 w-full p-0 text-sm font-semibold">{t('rateAsk')}</legend>
        <span className="flex justify-center gap-1" onMouseLeave={() => setHover(0)}>
          {N.map((n) => (
            <label key={n} onMouseEnter={() => setHover(n)} className="relative cursor-pointer">
              <input type="radio" name="cd-stars" value={n} checked={stars === n} onChange={() => setStars(n)} aria-label={t('stars', { n })} className="peer sr-only" data-testid={'star-' + n} />
              <span className={star(n <= shown) + ' rounded peer-focus-visible:ring-2 peer-focus-visible:ring-primary'}>
                <StarIcon className="w-8 h-8" />
              </span>
            </label>
          ))}
        </span>
      </fieldset>
      <textarea
        rows={2}
        maxLength={500}
        value={comment}
        onInput={(e) => setComment(e.currentTarget.value)}
        aria-label={t('comment')}
        placeholder={t('commentHint')}
        className="mt-3 block w-full resize-none rounded-xl border border-gray-300 bg-gray-50 px-3 py-2 text-base text-gray-900 placeholder:text-gray-500 focus:border-primary focus:outline-none focus:ring-2 focus:ring-primary"
        data-testid="rating-comment"
      />
      {err && <p role="alert" className="m-0 mt-2 text-[13px] text-red-700" data-testid="rating-error">{err}</p>}
      <button type="submit" disabled={!stars || busy} className="mt-3 w-full rounded-xl border-0 bg-primary px-4 py-2 text-sm font-semibold text-on-primary disabled:opacity-50" data-testid="rating-submit">
        {t('rate')}
      </button>
    </form>
  );
}
