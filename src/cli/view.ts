// `genegym view`: the runs viewer (leaderboard, runs, transcripts, comparisons) in a browser.

import type { Command } from 'commander';
import { integer } from './args.js';
import { genegymHome } from '../genome/home.js';

export function registerViewCommands(program: Command): void {
  program
    .command('view')
    .description('Open the web viewer over the runs store: leaderboard, run pages, transcripts, comparisons')
    .option('--port <port>', 'TCP port (0 picks a free one)', integer('--port', 0), 8321)
    .option('--host <host>', 'interface to bind (the viewer shows answer keys: keep it on loopback)', '127.0.0.1')
    .action(async (flags: { port: number; host: string }) => {
      const [{ ensureBundle }, { startViewer }] = await Promise.all([import('../web/bundle.js'), import('../web/server/standalone.js')]);
      const home = genegymHome();
      const bundleDir = await ensureBundle();
      const t0 = Date.now();
      const server = await startViewer({ home, bundleDir, host: flags.host, port: flags.port, warm: true });
      console.error(`genegym: runs summarised for the viewer in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        console.error(`genegym: warning: the viewer shows answer keys and transcripts to anyone who can reach ${flags.host}`);
      }
      console.log(`genegym: viewing runs in ${home}/runs at ${server.url}`);
      const stop = () => {
        server.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
