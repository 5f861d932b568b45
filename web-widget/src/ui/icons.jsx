// Inline SVG icons (decorative: aria-hidden; the buttons carry the labels).
// Preact core (no compat): SVG attributes are written with their real names.

const base = { 'aria-hidden': 'true', focusable: 'false', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', viewBox: '0 0 24 24' };

/**
 * An icon component: the shared <svg> around what draw() returns.
 * @param {string} defaultClass  size classes when the caller gives none
 * @param {() => any} draw
 * @param {{extraClass?: string} & Record<string, any>} [attrs]  more <svg> attributes; extraClass is always added
 */
function icon(defaultClass, draw, { extraClass = '', ...attrs } = {}) {
  return function Icon({ className = defaultClass }) {
    return (
      <svg {...base} {...attrs} className={className + extraClass}>
        {draw()}
      </svg>
    );
  };
}

export const ChatIcon = icon('w-7 h-7', () => (
  <>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
    <path d="M8.5 12h.01M12 12h.01M15.5 12h.01" stroke-width="2.6" />
  </>
));

export const CloseIcon = icon('w-5 h-5', () => <path d="M18 6 6 18M6 6l12 12" />);

export const ChevronDownIcon = icon('w-7 h-7', () => <path d="m6 9 6 6 6-6" />);

export const SendIcon = icon('w-5 h-5', () => <path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z" />);

export const AlertIcon = icon('w-4 h-4', () => (
  <>
    <circle cx="12" cy="12" r="10" />
    <path d="M12 8v4M12 16h.01" />
  </>
));

export const SpinnerIcon = icon('w-4 h-4', () => <path d="M21 12a9 9 0 1 1-6.2-8.6" />, { extraClass: ' cd-spin' });

export const StarIcon = icon('w-5 h-5', () => <path d="m12 2 3.1 6.3 6.9 1-5 4.9 1.2 6.8-6.2-3.2L5.8 21 7 14.2 2 9.3l6.9-1z" />, { fill: 'currentColor', 'stroke-width': 1 });

export const ClipIcon = icon('w-5 h-5', () => (
  <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
));

export const FileIcon = icon('w-5 h-5', () => <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6" />);

// The bot: a robot head (antenna, eyes, mouth) — not initials, not a person.
export const BotIcon = icon('w-5 h-5', () => <path d="M12 3v4M6 7h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2zM9 12v1M15 12v1M9.5 16h5" />);
