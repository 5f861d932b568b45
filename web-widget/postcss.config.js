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

export default {
  plugins: [tailwindcss(), noBackdrop(), remToPx(), cssnano({ preset: 'default' })],
};
