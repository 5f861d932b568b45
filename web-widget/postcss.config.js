import tailwindcss from 'tailwindcss';
import cssnano from 'cssnano';

// Tailwind sizes in rem follow the HOST page's <html> font size (a page
// with html{font-size:40px} would blow the widget up). Convert every rem to
// px (1rem = 16px) so the widget looks the same on every site.
const remToPx = () => ({
  postcssPlugin: 'chatdesk-rem-to-px',
  Declaration(decl) {
    if (decl.value.includes('rem')) {
      decl.value = decl.value.replace(/(-?\d*\.?\d+)rem\b/g, (_, n) => `${+(parseFloat(n) * 16).toFixed(3)}px`);
    }
  },
});
remToPx.postcss = true;

// Tailwind repeats its --tw-* defaults for ::backdrop (<dialog>); the
// widget has none.
const noBackdrop = () => ({
  postcssPlugin: 'chatdesk-no-backdrop',
  Rule(rule) {
    if (rule.selector.trim() === '::backdrop') rule.remove();
  },
});
noBackdrop.postcss = true;

// The widget has no ring-offset-* or ring-inset classes, so Tailwind's ring
// formula (an offset shadow of 0px in white, then the ring) is folded to its
// constant parts, and the offset shadow, always invisible, drops out.
const RING_CONSTANTS = { '--tw-ring-inset': '', '--tw-ring-offset-width': '0px', '--tw-ring-offset-color': '#fff' };
const noRingOffset = () => ({
  postcssPlugin: 'chatdesk-no-ring-offset',
  Declaration(decl) {
    if (decl.prop in RING_CONSTANTS || decl.prop === '--tw-ring-offset-shadow') {
      decl.remove();
      return;
    }
    if (!decl.value.includes('--tw-ring-')) return;
    let v = decl.value.replace(/var\((--tw-ring-inset|--tw-ring-offset-width|--tw-ring-offset-color)\)/g, (_, k) => RING_CONSTANTS[k]);
    v = v.replace(/var\(--tw-ring-offset-shadow(?:,\s*[^()]*)?\)\s*,\s*/g, '');
    v = v.replace(/calc\((\d+px) \+ 0px\)/g, '$1').replace(/calc\(0px\)/g, '0px');
    decl.value = v.trim();
  },
});
noRingOffset.postcss = true;

export default {
  plugins: [tailwindcss(), noBackdrop(), noRingOffset(), remToPx(), cssnano({ preset: 'default' })],
};
