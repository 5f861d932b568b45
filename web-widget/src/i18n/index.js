// The widget speaks Vietnamese (vi.js, built in: the default and the
// reference) or English for foreign visitors (en.json, the same keys; the
// build copies it beside the bundle as widget.en.json and only an English
// widget downloads it). Every string it shows goes through t().
import vi from './vi.js';

let dict = vi;

/** The language in use: 'vi' or 'en'. */
export let lang = 'vi';

/**
 * The string for key, with {placeholders} filled from params.
 * @param {string} key
 * @param {Record<string, any>} [params]
 */
export function t(key, params) {
  const s = dict[key] || vi[key] || key;
  return params ? s.replace(/\{(\w+)\}/g, (_, k) => params[k]) : s;
}

/**
 * Speaks English with the strings given (en.json), else Vietnamese.
 * @param {Record<string, string>|null} [en]
 */
export function setLanguage(en) {
  lang = en ? 'en' : 'vi';
  dict = en || vi;
}

/**
 * Which language to speak: what the page asked (data-lang, window.ChatDesk.lang)
 * wins; else, when the admin allows it, the browser's first language
 * (English unless it is Vietnamese); else Vietnamese.
 * @param {string|undefined} asked
 * @param {boolean} auto the admin's autoLanguage
 * @param {readonly string[]} [browser] navigator.languages
 */
export function chooseLanguage(asked, auto, browser) {
  if (asked === 'vi' || asked === 'en') return asked;
  if (!auto || !browser || !browser.length) return 'vi';
  return /^vi\b/i.test(browser[0]) ? 'vi' : 'en';
}

/**
 * The message of a server error: its own (Vietnamese) text, or in English
 * the text of its code when there is one.
 * @param {{code?: string, message?: string}} e
 */
export function errorText(e) {
  return (lang === 'en' && dict['e_' + e.code]) || e.message || t('error');
}
