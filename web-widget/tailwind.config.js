/** @type {import('tailwindcss').Config} */
export default {
  content: ['./src/**/*.{js,jsx}'],
  // Words of the code that are not classes (a `visible` prop, `resize()`,
  // comments), which Tailwind would otherwise turn into CSS.
  blocklist: ['visible', '!visible', 'shadow', 'resize', 'grow', 'inline'],
  theme: {
    // One breakpoint: the full-screen panel below 480 px lives in styles.css.
    screens: { mobile: { max: '479px' } },
    extend: {
      colors: {
        primary: 'var(--cd-primary)',
        'on-primary': 'var(--cd-on-primary)',
        'primary-soft': 'var(--cd-primary-soft)',
        'primary-strong': 'var(--cd-primary-strong)',
      },
      accentColor: { primary: 'var(--cd-primary)' },
    },
  },
  corePlugins: {
    // Inside a shadow root nothing of these is used; keep the CSS small.
    // Each plugin left out also drops its --tw-* defaults from the base layer.
    // Without the *Opacity plugins a colour is one plain declaration
    // (`background-color:#fff`, not `--tw-bg-opacity:1` and an rgb() that
    // reads it; `bg-black/20` still works): 0.2 KB gzipped. Without the
    // transform ones (the select's chevron is centred with inset-y-0
    // my-auto), their nine --tw-* defaults go: 0.1 KB.
    container: false,
    // Tailwind's preflight normalises every HTML element; the widget's
    // shadow root holds a few of them, reset in styles.css (1 KB less).
    preflight: false,
    ...Object.fromEntries([
      'textOpacity', 'backgroundOpacity', 'borderOpacity', 'placeholderOpacity', 'ringOpacity', 'divideOpacity',
      'translate', 'rotate', 'skew', 'scale', 'transform', 'borderSpacing', 'touchAction', 'scrollSnapType', 'gradientColorStops', 'fontVariantNumeric', 'contain',
      'filter', 'blur', 'brightness', 'contrast', 'dropShadow', 'grayscale', 'hueRotate', 'invert', 'saturate', 'sepia',
      'backdropFilter', 'backdropBlur', 'backdropBrightness', 'backdropContrast', 'backdropGrayscale', 'backdropHueRotate',
      'backdropInvert', 'backdropOpacity', 'backdropSaturate', 'backdropSepia',
    ].map((k) => [k, false])),
  },
};
