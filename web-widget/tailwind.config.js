/** @type {import('tailwindcss').Config} */
export default {
  content: ['./src/**/*.{js,jsx}'],
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
    container: false,
    ...Object.fromEntries([
      'borderSpacing', 'touchAction', 'scrollSnapType', 'gradientColorStops', 'fontVariantNumeric', 'contain',
      'filter', 'blur', 'brightness', 'contrast', 'dropShadow', 'grayscale', 'hueRotate', 'invert', 'saturate', 'sepia',
      'backdropFilter', 'backdropBlur', 'backdropBrightness', 'backdropContrast', 'backdropGrayscale', 'backdropHueRotate',
      'backdropInvert', 'backdropOpacity', 'backdropSaturate', 'backdropSepia',
    ].map((k) => [k, false])),
  },
};
