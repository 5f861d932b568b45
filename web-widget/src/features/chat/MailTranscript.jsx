import { useState } from 'react';
import { t, errorText } from '../../i18n/index.js';

/**
 * "Gửi bản ghi qua email", while the server can send email (the widget
 * config's emailTranscript): the conversation to the address the visitor
 * types, the form's email answer by default. The server checks the
 * address; its answer (or refusal) shows under the field.
 */
export function MailTranscript({ conv, client }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState(() => ((conv.answers || []).find((a) => a.key === 'email') || {}).value || '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <div className="mt-4 text-center text-[13px] text-gray-700">
      <button type="button" aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)} className="border-0 bg-transparent p-0 underline underline-offset-2" data-testid="mail-transcript">
        {t('mailAsk')}
      </button>
      {open && (
        <form
          noValidate
          className="mx-auto mt-2 flex max-w-[300px] gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setNote('');
            client.mailTranscript(email.trim()).then((r) => setNote(t('mailSent', { to: r.email })), (x) => setNote(errorText(x))).finally(() => setBusy(false));
          }}
        >
          <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-label={t('email')} placeholder={t('email')} className="min-w-0 flex-1 rounded-lg border border-gray-300 bg-white px-3 py-1.5 text-base text-gray-900" data-testid="mail-email" />
          <button disabled={busy} className="rounded-lg border-0 bg-primary px-3 text-sm font-semibold text-on-primary disabled:opacity-70" data-testid="mail-send">
            {t('mailSend')}
          </button>
        </form>
      )}
      {open && note && <p role="status" className="m-0 mt-1" data-testid="mail-note">{note}</p>}
    </div>
  );
}
