import { useEffect, useRef, useState } from 'react';
import { validateForm, validateField, toAsk } from '../../lib/validation.js';
import { ERROR_CODE } from '../../lib/protocol.js';
import { solve } from '../../lib/pow.js';
import { SpinnerIcon, AlertIcon } from '../../ui/icons.jsx';
import { Field } from './Field.jsx';
import { t, lang, errorText } from '../../i18n/index.js';

/** Built-in fields carry their label in the visitor's language. */
const localized = (f) => (lang === 'en' && f.builtin && t('f_' + f.key) !== 'f_' + f.key ? { ...f, label: t('f_' + f.key) } : f);

/**
 * The pre-chat form, built from GET /api/form-fields. Validates like the
 * server, then POST /api/conversations; server errors land under each field.
 * While nobody can answer (`leave`) it is "Để lại lời nhắn": the away
 * message instead of the greeting, "Gửi lời nhắn".
 * What the page knows (ChatDesk.setUser's name, phone and email, setFields'
 * answers) fills the fields of those keys, which are then not shown unless
 * the value is invalid; userId and hash go with the form.
 * @param {{api: import('../../lib/api.js').Api, greeting: string, leave?: boolean, notice?: string, visible: boolean,
 *   user: Record<string, string>, answers: Record<string, string|boolean>,
 *   onStarted: (r: {token: string, conversationId: string, conversation: any}) => void}} props
 */
export function PrechatForm({ api, greeting, leave, notice, onStarted, visible, user, answers }) {
  const [fields, setFields] = useState(null);
  const [loadError, setLoadError] = useState('');
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState('');
  // The privacy notice (and whether its box must be ticked) and the spam
  // challenge come with the fields; the challenge is solved at once, while
  // the visitor types (lib/pow.js).
  const [privacy, setPrivacy] = useState(null);
  const [consent, setConsent] = useState(false);
  const [hp, setHp] = useState('');
  const pow = useRef(null);
  const formRef = useRef(null);

  const challenge = (r) => {
    const c = r && r.challenge;
    pow.current = c && c.token ? solve(c).then((answer) => ({ token: c.token, answer })) : Promise.resolve(undefined);
  };
  const load = () => {
    setLoadError('');
    api.formFields().then(
      (r) => {
        challenge(r);
        setPrivacy((r && r.privacy) || null);
        setFields(((r && r.items) || []).filter((f) => f && f.enabled !== false && typeof f.key === 'string').map(localized));
      },
      (e) => setLoadError(errorText(e) || t('formFailed')),
    );
  };
  useEffect(load, [api]);

  // Focus the first field when the form appears (the panel just opened).
  useEffect(() => {
    if (!visible || !fields || !formRef.current) return;
    const first = formRef.current.querySelector('input,select,textarea');
    if (first) first.focus({ preventScroll: true });
  }, [fields, visible]);

  const focusFirstError = (errs) => {
    const key = fields.find((f) => errs[f.key])?.key;
    if (!key || !formRef.current) return;
    const el = formRef.current.querySelector(`[data-field="${key}"]`);
    if (el) el.focus();
  };

  const setValue = (f, v) => {
    setValues((old) => ({ ...old, [f.key]: v }));
    if (submitted || errors[f.key]) setErrors((old) => ({ ...old, [f.key]: validateField(f, v) }));
  };

  const { userId, hash, ...who } = user;
  const known = { ...answers, ...who };
  const all = { ...known, ...values };
  const shown = fields && toAsk(fields, known);

  const onSubmit = async (e) => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFormError('');
    const { errors: errs, payload } = validateForm(fields, all);
    setErrors(errs);
    if (Object.keys(errs).length) {
      focusFirstError(errs);
      return;
    }
    setBusy(true);
    const send = async () =>
      api.createConversation({
        fields: payload,
        pageUrl: location.href.slice(0, 2000),
        referrer: document.referrer.slice(0, 2000),
        userId,
        hash,
        consent: privacy && privacy.version ? { version: privacy.version, accepted: consent } : undefined,
        challenge: await pow.current,
        website: hp,
      });
    try {
      let r;
      try {
        r = await send();
      } catch (err) {
        // A challenge that expired (a form left open for hours): a new one, once.
        if (!err || err.code !== ERROR_CODE.CHALLENGE_FAILED) throw err;
        challenge(await api.formFields());
        r = await send();
      }
      if (!r || !r.visitorToken || !r.conversation || !r.conversation.id) throw { message: t('badAnswer') };
      onStarted({ token: r.visitorToken, conversationId: r.conversation.id, conversation: r.conversation });
    } catch (err) {
      setBusy(false);
      if (err && err.fields && Object.keys(err.fields).length) {
        const byField = {};
        let other = '';
        // An answer the page gave is not on screen: its error goes above the button.
        for (const [k, msg] of Object.entries(err.fields)) {
          if (shown.some((f) => f.key === k)) byField[k] = msg;
          else other = msg;
        }
        setErrors(byField);
        setFormError(other || (Object.keys(byField).length ? '' : errorText(err)));
        focusFirstError(byField);
      } else {
        setFormError(err ? errorText(err) : t('error'));
      }
    }
  };

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={onSubmit}
      aria-label={leave ? t('leaveTitle') : t('form')}
      className="flex flex-1 min-h-0 flex-col bg-gray-50"
      data-testid="prechat"
    >
      <div className="flex-1 min-h-0 overflow-y-auto cd-scroll cd-safe-x p-4">
        {leave && <h3 className="m-0 mb-2 text-base font-semibold text-gray-900" data-testid="leave-title">{t('leaveTitle')}</h3>}
        {greeting && (
          <p className="mb-4 rounded-xl bg-white px-3.5 py-3 text-sm text-gray-800 ring-1 ring-gray-200 whitespace-pre-line" data-testid="greeting">{greeting}</p>
        )}
        {notice && (
          <p role="status" className="mb-3 rounded-lg bg-amber-50 px-3 py-2 text-[13px] text-amber-900 ring-1 ring-amber-200">{notice}</p>
        )}
        {!fields && !loadError && (
          <p className="flex items-center gap-2 py-6 justify-center text-sm text-gray-600" role="status">
            <SpinnerIcon /> {t('loading')}
          </p>
        )}
        {loadError && (
          <div role="alert" className="py-4 text-center text-sm text-gray-700">
            <p className="mb-3">{loadError}</p>
            <button type="button" onClick={load} className="rounded-lg border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-100">
              {t('retry')}
            </button>
          </div>
        )}
        {privacy && privacy.notice && (
          <p className="mb-3 rounded-lg bg-white px-3 py-2 text-xs text-gray-700 ring-1 ring-gray-200 whitespace-pre-line" data-testid="privacy-notice">{privacy.notice}</p>
        )}
        {fields && (
          <div data-testid="prechat-form">
            {shown.map((f) => (
              <Field
                key={f.key}
                field={f}
                idPrefix="cd-f"
                value={all[f.key]}
                error={errors[f.key]}
                onChange={(v) => setValue(f, v)}
                onBlur={() => submitted && setErrors((old) => ({ ...old, [f.key]: validateField(f, all[f.key]) }))}
              />
            ))}
            {privacy && privacy.consentRequired && (
              <Field
                field={{ key: 'consent', label: privacy.consentLabel, type: 'checkbox', required: true }}
                idPrefix="cd-f"
                value={consent}
                onChange={setConsent}
              />
            )}
            <input name="website" value={hp} onInput={(e) => setHp(e.currentTarget.value)} tabIndex={-1} autoComplete="off" aria-hidden="true" className="sr-only" />
          </div>
        )}
      </div>
      {fields && (
        <div className="cd-safe-bottom cd-safe-x shrink-0 border-t border-gray-200 bg-white px-4 pt-3 pb-3">
          {formError && (
            <p role="alert" className="mb-2.5 flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2 text-[13px] text-red-800 ring-1 ring-red-200" data-testid="form-error">
              <AlertIcon className="w-4 h-4 mt-0.5 shrink-0" />
              <span>{formError}</span>
            </p>
          )}
          <button
            type="submit"
            disabled={busy}
            className="w-full inline-flex items-center justify-center gap-2 rounded-lg bg-primary px-4 py-2.5 text-base font-semibold text-on-primary border-0 hover:opacity-95 disabled:opacity-70"
            data-testid="prechat-submit"
          >
            {busy && <SpinnerIcon />}
            {busy ? t('sending') : t(leave ? 'leaveSend' : 'start')}
          </button>
          {!(privacy && privacy.notice) && <p className="mt-2 text-center text-xs text-gray-600">{t('privacy')}</p>}
        </div>
      )}
    </form>
  );
}
