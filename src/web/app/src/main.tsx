// genegym runs viewer: leaderboard, run, transcript and compare pages over the runs store.
import { render } from 'preact';
import { ComparePage } from './pages/Compare';
import { Leaderboard } from './pages/Leaderboard';
import { RunPage } from './pages/Run';
import { TranscriptPage } from './pages/Transcript';
import { links, useRoute } from './router';
import './style.css';

function App() {
  const route = useRoute();
  let page;
  if (route.page === 'leaderboard') page = <Leaderboard />;
  else if (route.page === 'run') page = <RunPage id={route.id} key={route.id} />;
  else if (route.page === 'episode') page = <TranscriptPage id={route.id} episodeKey={route.key} key={`${route.id}/${route.key}`} />;
  else if (route.page === 'compare') page = <ComparePage a={route.a} b={route.b} key={`${route.a}/${route.b}`} />;
  else page = <p class="error">No page at {route.hash}</p>;
  return (
    <>
      <header class="top">
        <a href={links.leaderboard()} class="brand">
          genegym
        </a>
        <nav>
          <a href={links.leaderboard()}>Leaderboard</a>
          <a href={links.compare()}>Compare</a>
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
