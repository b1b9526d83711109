// Loads data for a page: re-runs when `deps` change, drops answers that arrive after a newer load.

import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { messageOf } from './api';

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await run();
      if (mine === generation.current) {
        setData(value);
        setError('');
      }
    } catch (err) {
      if (mine === generation.current) setError(messageOf(err));
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}
