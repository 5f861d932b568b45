import { useCallback, useEffect, useState } from 'react';

/** Loads once, exposes reload(); `select` extracts the value from the answer. */
export function useLoader(fetcher, select, initial) {
  const [value, setValue] = useState(initial);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);

  const load = useCallback(
    () =>
      fetcher().then(
        (res) => {
          setValue(select(res));
          setError(null);
          setLoading(false);
        },
        (err) => {
          setError(err);
          setLoading(false);
        },
      ),
    [fetcher, select],
  );

  useEffect(() => {
    let cancelled = false;
    fetcher().then(
      (res) => {
        if (cancelled) return;
        setValue(select(res));
        setLoading(false);
      },
      (err) => {
        if (cancelled) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [fetcher, select]);

  const reload = useCallback(() => {
    setLoading(true);
    return load();
  }, [load]);

  return { value, setValue, loading, error, reload };
}
