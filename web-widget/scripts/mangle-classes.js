// Build step (production only): renames the Tailwind utility classes to
// one- or two-letter names in the minified widget.js, in the CSS string and
// in the class strings of the code alike (≈ 0.9 KB gzipped: every class is
// written twice, once as a selector and once or more in markup). The `cd-*`
// classes of styles.css keep their names (the host-page tests and
// docs refer to them).
//
// Which strings of the code are classes is decided on the syntax tree
// (acorn), never by text search:
//   - any string or template piece inside the value of a `className` prop;
//   - any other string made only of two or more known class names
//     (`const inputCls = 'w-full rounded-lg …'`);
//   - both branches of `c ? 'a' : 'b'` when each is a class name or empty
//     (`error ? 'border-red-600' : 'border-gray-300'`).
// A lone class name elsewhere (`'block'`, `'fixed'`…) may be a plain value
// (index.js styles the host element with ['display', 'block'] pairs, left alone), so it
// is left alone; the build fails on one that is not such a pair, and the
// string must move into a className or one of the shapes above.
import * as acorn from 'acorn';

// Utility classes that keep their names: test/widget/support.test.js counts
// the lit rating stars by theirs.
const KEEP = new Set(['text-amber-500']);

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// Class names of a selector list: `.hover\:bg-black\/10:hover` → hover:bg-black/10.
const CLASS_IN_SELECTOR = /\.((?:[A-Za-z_]|-[A-Za-z_]|\\.)(?:[\w-]|\\.)*)/g;
const unescape = (s) => s.replace(/\\(.)/g, '$1');
const escape = (s) => s.replace(/[^\w-]/g, (c) => '\\' + c);

/** The CSS string is the one literal holding Tailwind's base rule. */
const isCss = (s) => s.includes('{') && s.includes('box-sizing:border-box');

/** Preludes (selectors, at-rules) are the runs of text followed by `{`. */
function eachSelectorClass(css, fn) {
  return css.replace(/[^{}]+(?=\{)/g, (prelude) => (prelude.startsWith('@') ? prelude : prelude.replace(CLASS_IN_SELECTOR, (m, name) => fn(unescape(name), m))));
}

function walk(node, fn, parent) {
  if (!node || typeof node.type !== 'string') return;
  fn(node, parent);
  for (const k in node) {
    if (k === 'type' || k === 'start' || k === 'end') continue;
    const v = node[k];
    if (Array.isArray(v)) v.forEach((c) => walk(c, fn, node));
    else if (v && typeof v.type === 'string') walk(v, fn, node);
  }
}

/**
 * @param {string} code minified bundle
 * @returns {{code: string, classes: number, loose: string[]}}
 */
export function mangleClasses(code) {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  const strings = [];
  let cssNode = null;
  const classProps = [];
  const styleValues = new Set();
  const branches = new Set();
  walk(ast, (n) => {
    if (n.type === 'ArrayExpression' && n.elements.length === 2 && n.elements.every((e) => e && e.type === 'Literal' && typeof e.value === 'string')) n.elements.forEach((e) => styleValues.add(e));
    if (n.type === 'ConditionalExpression') branches.add(n);
    if (n.type === 'Literal' && typeof n.value === 'string') {
      if (!cssNode && isCss(n.value)) cssNode = n;
      else strings.push(n);
    } else if (n.type === 'TemplateLiteral') {
      strings.push(n);
    } else if (n.type === 'Property' && !n.computed && (n.key.name === 'className' || n.key.value === 'className')) {
      classProps.push(n.value);
    }
  });
  if (!cssNode) throw new Error('mangle-classes: the CSS string was not found');

  // Count each class (selectors + code) so the most used get one letter.
  const count = new Map();
  eachSelectorClass(cssNode.value, (name, m) => {
    if (!name.startsWith('cd-') && !KEEP.has(name)) count.set(name, (count.get(name) || 0) + 1);
    return m;
  });
  const inClassProp = new Set();
  for (const v of classProps) walk(v, (n) => (n.type === 'Literal' || n.type === 'TemplateLiteral') && inClassProp.add(n));

  const tokensOf = (n) => (n.type === 'Literal' ? n.value.split(/\s+/) : n.quasis.flatMap((q) => q.value.cooked.split(/\s+/)));
  const allTokens = new Set(strings.flatMap(tokensOf));
  for (const n of strings) for (const t of tokensOf(n)) if (count.has(t)) count.set(t, count.get(t) + 1);

  const isClassOrEmpty = (n) => n.type === 'Literal' && typeof n.value === 'string' && (n.value.trim() === '' || n.value.trim().split(/\s+/).every((t) => count.has(t) || KEEP.has(t)));
  for (const c of branches) {
    if (isClassOrEmpty(c.consequent) && isClassOrEmpty(c.alternate)) inClassProp.add(c.consequent).add(c.alternate);
  }

  const names = [...count.keys()].sort((a, b) => count.get(b) - count.get(a));
  const map = new Map();
  let i = 0;
  const next = () => {
    for (;;) {
      const k = i++;
      const s = k < 52 ? ALPHABET[k] : ALPHABET[Math.floor(k / 52) - 1] + ALPHABET[k % 52];
      // Never a name the code uses for something else (a class without CSS).
      if (!allTokens.has(s) && !count.has(s)) return s;
    }
  };
  for (const n of names) map.set(n, next());

  const edits = []; // [start, end, text]
  const loose = [];
  const renameTokens = (s, partialStart, partialEnd) =>
    s.replace(/\S+/g, (tok, at) => {
      if ((partialStart && at === 0) || (partialEnd && at + tok.length === s.length)) return tok;
      return map.get(tok) || tok;
    });

  edits.push([cssNode.start, cssNode.end, JSON.stringify(eachSelectorClass(cssNode.value, (name, m) => (map.has(name) ? '.' + escape(map.get(name)) : m)))]);
  for (const n of strings) {
    if (n.type === 'Literal') {
      const toks = n.value.split(/\s+/).filter(Boolean);
      const all = toks.length > 0 && toks.every((t) => map.has(t));
      if (inClassProp.has(n) || (all && toks.length > 1)) {
        edits.push([n.start, n.end, JSON.stringify(renameTokens(n.value, false, false))]);
      } else if (toks.some((t) => map.has(t)) && !styleValues.has(n)) {
        loose.push(n.value);
      }
    } else if (inClassProp.has(n) || n.quasis.every((q) => q.value.cooked.split(/\s+/).filter(Boolean).every((t) => map.has(t)))) {
      n.quasis.forEach((q, qi) => {
        const cooked = q.value.cooked;
        // A piece glued to an expression (`text-${x}`) holds half a name.
        const out = renameTokens(cooked, qi > 0 && /^\S/.test(cooked), qi < n.quasis.length - 1 && /\S$/.test(cooked));
        if (out !== cooked) edits.push([q.start, q.end, out.replace(/[`\\]|\$\{/g, (c) => '\\' + c)]);
      });
    }
  }
  edits.sort((a, b) => b[0] - a[0]);
  let out = code;
  for (const [s, e, t] of edits) out = out.slice(0, s) + t + out.slice(e);
  return { code: out, classes: map.size, loose: [...new Set(loose)] };
}
