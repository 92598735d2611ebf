import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string; status?: number } | { state: 'ok'; data: T };

/** Fetches an API path whenever it changes; stale answers are dropped. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setValue({ state: 'loading' });
    api<T>(path, ctl.signal).then(
      (data) => setValue({ state: 'ok', data }),
      (err: Error & { status?: number }) => {
        if (!ctl.signal.aborted) setValue({ state: 'error', message: err.message, status: err.status });
      },
    );
    return () => ctl.abort();
  }, [path]);
  return value;
}
