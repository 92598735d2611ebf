// genome-qa's optional compute tool (--env-opt tools=+python): off by default; when on, run_python
// runs in a bubblewrap sandbox with no network and an empty workspace opened on the first call.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { InProcessEpisode } from '../../../src/agents/genome-qa/episode.js';
import { checkGenomeQaSettings, loadGenomeQa } from '../../../src/envs/genome-qa/entry.js';
import { createGenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import type { RunToolOutput } from '../../../src/ors/types.js';
import { probeBwrap } from '../../../src/sandbox/index.js';
import { standardFake } from './fake-assembly.js';

const probe = await probeBwrap();
if (!probe.ok) {
  if (process.env.CI === 'true') throw new Error(`bubblewrap must work under CI: ${probe.reason}`);
  console.warn(`SKIP genome-qa run_python tests: bubblewrap unavailable (${probe.reason})`);
}
const skip = probe.ok ? false : 'bubblewrap unavailable';

const text = (r: RunToolOutput): string => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.output.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
};

test('off by default: no run_python tool, and the prompt does not mention it', async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake() });
  assert.deepEqual(env.tools.map((t) => t.name), ['web_search', 'fetch_url', 'submit_answer']);
  assert.doesNotMatch(env.description ?? '', /run_python/);
  const ep = await InProcessEpisode.open(env, await env.tasks.get('train', 0));
  try {
    assert.doesNotMatch(await ep.prompt(), /run_python|python/i);
    const r = await ep.call('run_python', { code: 'print(2+2)' });
    assert.ok(!r.ok && /not a valid tool/.test(r.error));
    assert.equal(ep.state.sandbox, undefined);
  } finally {
    await ep.close();
  }
});

test('tools=+python: listed, mentioned in the prompt, runs print(2+2) in bwrap; the sandbox opens lazily and closes with the session', { skip }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'gqa-py-'));
  chmodSync(parent, 0o755);
  const workspaces = () => readdirSync(join(parent, 'genegym-ws')).flatMap((root) => readdirSync(join(parent, 'genegym-ws', root)).filter((n) => /^ws-[^.]+$/.test(n)));
  const env = createGenomeQaEnvironment({ assembly: standardFake(), python: { sandbox: 'bwrap', workspaceParent: parent } });
  assert.deepEqual(env.tools.map((t) => t.name), ['web_search', 'fetch_url', 'run_python', 'submit_answer']);
  const spec = await env.tasks.get('train', 1);
  const ep = await InProcessEpisode.open(env, spec);
  let workspace = '';
  try {
    const prompt = await ep.prompt();
    assert.match(prompt, /run_python \(run Python 3 .* offline sandbox; it cannot fetch, so put the text you fetched into your code\)/);
    assert.ok(prompt.includes(String(spec.question)));
    assert.equal(ep.state.sandbox, undefined, 'nothing is opened before the first run_python call');
    assert.ok(!existsSync(join(parent, 'genegym-ws')) || workspaces().length === 0);
    // two first calls at once share one sandbox
    const [a, b] = await Promise.all([ep.call('run_python', { code: 'print(2+2)' }), ep.call('run_python', { code: 'import sys; sys.exit(3)', timeout_s: 30 })]);
    assert.match(text(a), /^exit code: 0\n--- stdout ---\n4\n/);
    assert.match(text(b), /^exit code: 3\n/);
    assert.ok(a.ok && a.output.metadata!.status === 'ok' && a.output.metadata!.exit_code === 0);
    const sb = await ep.state.sandbox!;
    assert.equal(sb.mode, 'bwrap');
    workspace = sb.workspace;
    assert.ok(existsSync(workspace));
    assert.equal(workspaces().length, 1, 'one sandbox per session');
  } finally {
    await ep.close();
  }
  assert.ok(!existsSync(workspace), 'the workspace is removed at session close');
  assert.equal(workspaces().length, 0);
  rmSync(parent, { recursive: true, force: true });
  const after = await ep.call('run_python', { code: 'print(1)' });
  assert.ok(!after.ok && /session is closed/.test(after.error));
});

test('no network inside: a connect to a listening host loopback port fails and never arrives', { skip }, async () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => {
    accepted.push(s);
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const env = createGenomeQaEnvironment({ assembly: standardFake(), python: { sandbox: 'bwrap' } });
  const ep = await InProcessEpisode.open(env, await env.tasks.get('train', 2));
  try {
    const out = text(
      await ep.call('run_python', {
        code: `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect(('127.0.0.1', ${port}))
    print('CONNECTED')
except OSError as e:
    print('REFUSED', type(e).__name__)
print('IFACES', sorted(n for _, n in socket.if_nameindex()))
`,
      }),
    );
    assert.match(out, /REFUSED (ConnectionRefusedError|OSError|TimeoutError)/);
    assert.doesNotMatch(out, /CONNECTED/);
    assert.match(out, /IFACES \['lo'\]/, 'only the namespace loopback exists');
    assert.equal(accepted.length, 0);
  } finally {
    await ep.close();
    server.close();
  }
});

test('the workspace starts empty: nothing of the task, its answer or the assembly is reachable', { skip }, async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), python: { sandbox: 'bwrap' } });
  const spec = await env.tasks.get('train', 3);
  const key = await env.answerKey('train', 3);
  const ep = await InProcessEpisode.open(env, spec);
  try {
    const out = text(
      await ep.call('run_python', {
        code: `
import os
print('WS', sorted(os.listdir('/workspace')), os.getcwd())
print('TMP', sorted(os.listdir('/tmp')))
print('ROOT', sorted(os.listdir('/')))
`,
      }),
    );
    assert.match(out, /^WS \[\] \/workspace$/m);
    assert.match(out, /^TMP \[\]$/m);
    // only system directories are visible (no home, no host /tmp with its workspaces)
    assert.doesNotMatch(out, /'root'|'home'/);
    // the agent's own files persist between calls, and are all there is
    const write = text(await ep.call('run_python', { code: "import os; open('mine.txt', 'w').write('x'); print(sorted(os.listdir('.')))" }));
    assert.match(write, /\['mine\.txt'\]/);
    for (const v of Object.values(key.answer)) {
      if (String(v).length >= 4) assert.ok(!out.includes(String(v)) && !write.includes(String(v)), `answer value ${v} visible`);
    }
  } finally {
    await ep.close();
  }
});

test('tools=+python: the environment description (what discovery lists) names run_python', () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), python: { sandbox: 'none' } });
  assert.match(env.description ?? '', /run_python/);
});

test('tools: only +python is valid, named in the error; accepted with the other settings', async () => {
  const home = '/nonexistent/genegym-home-never-built';
  for (const v of ['python', '+bash', '', '+python,+bash']) {
    await assert.rejects(loadGenomeQa({ home, settings: { tools: v } }), new RegExp(`tools must be one of \\+python \\(got ${JSON.stringify(JSON.stringify(v)).slice(1, -1).replace(/\+/g, '\\+')}\\); valid settings: .*tools \\(\\+python\\)`), `tools=${v}`);
  }
  checkGenomeQaSettings({ tools: '+python', live_fetch: 'false' });
});

test('over ORS: /tools lists run_python, /call runs it, /delete removes the workspace', { skip }, async () => {
  const { buildServer } = await import('../../../src/ors/server/index.js');
  const parent = mkdtempSync(join(tmpdir(), 'gqa-py-ors-'));
  chmodSync(parent, 0o755);
  const workspaces = () => (existsSync(join(parent, 'genegym-ws')) ? readdirSync(join(parent, 'genegym-ws')).flatMap((root) => readdirSync(join(parent, 'genegym-ws', root)).filter((n) => /^ws-[^.]+$/.test(n))) : []);
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 10, testSize: 10, python: { sandbox: 'bwrap', workspaceParent: parent } });
  const server = await buildServer({ environments: [env] });
  try {
    const app = server.app;
    const tools = (await app.inject({ method: 'GET', url: '/genome-qa/tools' })).json();
    assert.deepEqual(tools.tools.map((t: { name: string }) => t.name).sort(), ['fetch_url', 'run_python', 'submit_answer', 'web_search']);
    const sid = 'gqa-python-1';
    const created = await app.inject({ method: 'POST', url: '/create', headers: { 'x-session-id': sid }, payload: { env_name: 'genome-qa', split: 'train', index: 4 } });
    assert.equal(created.statusCode, 200, created.body);
    let body = '';
    for (let i = 0; i < 100 && !/"ok":true/.test(body); i++) {
      const call = await app.inject({ method: 'POST', url: '/genome-qa/call', headers: { 'x-session-id': sid }, payload: { name: 'run_python', input: { code: 'print(6*7)' } } });
      body = call.body;
      if (!/"ok":true/.test(body)) await new Promise((res) => setTimeout(res, 50));
    }
    assert.match(body, /exit code: 0\\n--- stdout ---\\n42\\n/);
    assert.equal(workspaces().length, 1);
    await app.inject({ method: 'POST', url: '/delete', headers: { 'x-session-id': sid } });
    for (let i = 0; i < 100 && workspaces().length > 0; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(workspaces().length, 0, 'the session workspace is removed at /delete');
  } finally {
    await server.close();
    rmSync(parent, { recursive: true, force: true });
  }
});
