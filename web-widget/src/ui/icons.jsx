// Inline SVG icons (decorative: aria-hidden; the buttons carry the labels).
// Preact core (no compat): SVG attributes are written with their real names.

const base = { 'aria-hidden': 'true', focusable: 'false', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', viewBox: '0 0 24 24' };

export function ChatIcon({ className = 'w-7 h-7' }) {
  return (
    <svg {...base} className={className}>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
      <path d="M8.5 12h.01M12 12h.01M15.5 12h.01" stroke-width="2.6" />
    </svg>
  );
}

export function CloseIcon({ className = 'w-5 h-5' }) {
  return (
    <svg {...base} className={className}>
      <path d="M18 6 6 18M6 6l12 12" />
    </svg>
  );
}

export function ChevronDownIcon({ className = 'w-7 h-7' }) {
  return (
    <svg {...base} className={className}>
      <path d="m6 9 6 6 6-6" />
    </svg>
  );
}

export function SendIcon({ className = 'w-5 h-5' }) {
  return (
    <svg {...base} className={className}>
      <path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z" />
    </svg>
  );
}

export function AlertIcon({ className = 'w-4 h-4' }) {
  return (
    <svg {...base} className={className}>
      <circle cx="12" cy="12" r="10" />
      <path d="M12 8v4M12 16h.01" />
    </svg>
  );
}

export function SpinnerIcon({ className = 'w-4 h-4' }) {
  return (
    <svg {...base} className={className + ' cd-spin'}>
      <path d="M21 12a9 9 0 1 1-6.2-8.6" />
    </svg>
  );
}

export function StarIcon({ className = 'w-5 h-5' }) {
  return (
    <svg {...base} className={className} fill="currentColor" stroke-width="1">
      <path d="m12 2 3.1 6.3 6.9 1-5 4.9 1.2 6.8-6.2-3.2L5.8 21 7 14.2 2 9.3l6.9-1z" />
    </svg>
  );
}

export function ClipIcon({ className = 'w-5 h-5' }) {
  return (
    <svg {...base} className={className}>
      <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </svg>
  );
}

export function FileIcon({ className = 'w-5 h-5' }) {
  return (
    <svg {...base} className={className}>
      <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6" />
    </svg>
  );
}
