import { useState } from 'react';

/**
 * A form saved as a whole (the settings, the bot): its state, a change
 * handler per field (a checkbox gives its checked state; any change clears
 * "saved"), and submit, which stores the form through save and keeps busy,
 * error and saved.
 * @param {() => object} init  the first state of the form
 * @param {(form: object) => Promise<object|((f: object) => object)>} save
 *   stores the form; resolves to the form as stored (or an update of it)
 */
export function useSaveForm(init, save) {
  const [form, setForm] = useState(init);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    setSaved(false);
    const v = e.target.type === 'checkbox' ? e.target.checked : e.target.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  // put sets a field to a value (lists edited by their own component).
  const put = (k, v) => {
    setSaved(false);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      setForm(await save(form));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { form, set, put, submit, error, saved, busy };
}
