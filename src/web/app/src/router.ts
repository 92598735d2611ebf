// Hash routes, so the app works as static files under any prefix (/ui/ here).
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'leaderboard' }
  | { page: 'run'; id: string }
  | { page: 'episode'; id: string; key: string }
  | { page: 'compare'; a: string | null; b: string | null }
  | { page: 'missing'; hash: string };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { page: 'leaderboard' };
  if (parts[0] === 'run' && parts.length === 2) return { page: 'run', id: parts[1] };
  if (parts[0] === 'run' && parts.length === 4 && parts[2] === 'ep') return { page: 'episode', id: parts[1], key: parts[3] };
  if (parts[0] === 'compare') return { page: 'compare', a: params.get('a'), b: params.get('b') };
  return { page: 'missing', hash: h };
}

export const links = {
  leaderboard: () => '#/',
  run: (id: string) => `#/run/${encodeURIComponent(id)}`,
  episode: (id: string, key: string) => `#/run/${encodeURIComponent(id)}/ep/${encodeURIComponent(key)}`,
  compare: (a?: string, b?: string) => `#/compare${a && b ? `?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}` : a ? `?a=${encodeURIComponent(a)}` : ''}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
