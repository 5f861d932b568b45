import { useEffect, useState } from 'react';

// The admin pages' loading and saving hooks live in features/admin (and
// are being moved to src/lib on another branch); this page keeps its own
// two small ones until that lands, to import no other feature's internals.

/** Loads on mount; reload() loads again. select extracts the value. */
export function useLoad(fetcher, select) {
  const [state, setState] = useState({ value: null, loading: true, error: null, n: 0 });
  useEffect(() => {
    let cancelled = false;
    fetcher().then(
      (res) => !cancelled && setState((s) => ({ ...s, value: select(res), loading: false, error: null })),
      (err) => !cancelled && setState((s) => ({ ...s, loading: false, error: err })),
    );
    return () => {
      cancelled = true;
    };
  }, [fetcher, select, state.n]);
  const reload = () => setState((s) => ({ ...s, n: s.n + 1 }));
  return { value: state.value, loading: state.loading, error: state.error, reload };
}

/** A form saved as a whole: field handlers, submit through save, busy/error/saved. */
export function useForm(init, save) {
  const [form, setForm] = useState(init);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    setSaved(false);
    const v = e.target.type === 'checkbox' ? e.target.checked : e.target.value;
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
  return { form, set, submit, error, saved, busy };
}
