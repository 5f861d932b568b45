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
    container: false,
  },
};
