// The attacks once more through `genegym serve` itself (bin/genegym.js in a child process, the
// environments as the command builds them: the real case-studies cases, bubblewrap sandbox and
// worker pool; genome-qa on the demo assembly with the judge from the server's environment), so
// the command's own wiring is attacked, not only the modules: links out of the workspace, a
// gzip bomb, chmod 000, a client-chosen judge, concurrent submits, a bad task spec. The server
// must stay up throughout and leave no workspace behind when it stops.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMockOpenAI, type MockServer } from '../models/mock-openai.js';
import { callTool, create, secretsHeader, startEvilJudge } from './ors-helpers.js';
import { skip } from './sandbox-fixture.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let scratch = '';
let child: ChildProcess | null = null;
let url = '';
let stderr = '';
let judge: MockServer;
let evil: Awaited<ReturnType<typeof startEvilJudge>>;

before(async () => {
  if (skip) return;
  scratch = await mkdtemp(join(tmpdir(), 'genegym-serve-attacks-'));
  await chmod(scratch, 0o711); // sandbox uids must reach their workspaces under it
  judge = await startMockOpenAI({ script: () => ({ kind: 'text', content: '{"correct": false, "reason": "server judge"}' }) });
  evil = await startEvilJudge();
  child = spawn(process.execPath, [join(repo, 'bin', 'genegym.js'), 'serve', '--env', 'case-studies,genome-qa', '--port', '0'], {
    cwd: repo,
    env: {
      ...process.env,
      GENEGYM_HOME: join(scratch, 'home'),
      TMPDIR: scratch,
      // the server's judge: an endpoint and a model, no key of its own
      JUDGE_BASE_URL: judge.url,
      JUDGE_MODEL: 'server-judge',
      JUDGE_API_KEY: '',
      OPENAI_API_KEY: '',
      GENEGYM_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => (stderr += d));
  let out = '';
  url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on('data', (d) => {
      out += d;
      const m = /serving .* at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child!.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await judge?.close();
  await evil?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const text = (r: { result?: any }) => (r.result?.ok ? r.result.output.blocks.map((b: { text?: string }) => b.text ?? '').join('\n') : String(r.result?.error));

test('case-studies through genegym serve: links out of the workspace, a gzip bomb, chmod 000, ten submits at once', { skip, timeout: 180_000 }, async () => {
  const { sid, status } = await create(url, { env_name: 'case-studies', split: 'train', index: 0 });
  assert.equal(status, 200);
  assert.equal((await fetch(`${url}/case-studies/prompt`, { headers: { 'x-session-id': sid } })).status, 200);
  assert.equal((await readdir(join(scratch, 'genegym-ws'))).length, 1, "the server's workspace root is under its TMPDIR");
  const run = async (name: 'run_bash' | 'run_python', input: object) => {
    const r = await callTool(url, 'case-studies', sid, name, input as never);
    assert.equal(r.fault, undefined, `environment fault: ${r.fault}`);
    return r;
  };
  const setup = await run('run_bash', { command: 'ln -s /etc/shadow shadow && mkdir d && ln -s /etc d/e && echo made' });
  assert.match(text(setup), /made/);
  for (const path of ['shadow', 'd/e/shadow', '../../../../etc/shadow']) {
    const r = await callTool(url, 'case-studies', sid, 'read_file', { path });
    assert.equal(r.result?.ok, false, `${path}: ${text(r)}`);
    assert.doesNotMatch(text(r), /^root:/m);
  }
  const listing = await callTool(url, 'case-studies', sid, 'list_files', {});
  assert.ok(listing.result?.ok);
  assert.doesNotMatch(text(listing), /shadow\t\d|passwd/);

  // 20 M newlines gzipped: read_file stops at its decompression cap and the server stays up
  const bomb = await run('run_python', { code: "import gzip\nwith gzip.open('bomb.gz', 'wb', compresslevel=1) as f:\n    for _ in range(20):\n        f.write(b'\\n' * 1000000)\nprint('bomb ready')" });
  assert.match(text(bomb), /bomb ready/);
  const page = await callTool(url, 'case-studies', sid, 'read_file', { path: 'bomb.gz', offset: 0, limit: 3 });
  assert.equal(page.result?.ok, true, text(page));
  assert.match(text(page), /decompression stopped after 16 MiB of output/);

  // the agent breaks its own workspace: later runs still work, never an environment error
  assert.equal((await run('run_bash', { command: 'chmod 000 /workspace' })).result?.ok, true);
  const after = await run('run_python', { code: 'import os; print("alive", oct(os.stat("/workspace").st_mode & 0o777))' });
  assert.match(text(after), /alive 0o700/);

  // ten concurrent submits: exactly one graded
  const submits = await Promise.all(Array.from({ length: 10 }, () => callTool(url, 'case-studies', sid, 'submit_answer', { response: '{"answer": {}, "reasoning": "x"}' })));
  assert.equal(submits.filter((s) => s.result?.ok).length, 1);
  for (const s of submits.filter((x) => !x.result?.ok)) assert.match(text(s), /already submitted/);
  assert.equal((await fetch(`${url}/health`)).status, 200);
});

test('genome-qa through genegym serve: a client cannot choose the judge; a lent key goes only to the server\'s endpoint', { skip, timeout: 120_000 }, async () => {
  const evilSecrets = { JUDGE_BASE_URL: evil.url, OPENAI_BASE_URL: evil.url, JUDGE_MODEL: 'evil-model', JUDGE_API_KEY: 'sk-evil' };
  const nonAnswer = { answer: { gc_content: 'no idea at all' }, explanation: 'x' };
  const task = { env_name: 'genome-qa', split: 'train', index: 1 };
  // evil settings without a key: nobody is asked, a non-answer earns 0
  for (const [body, headers] of [[{ ...task, secrets: evilSecrets }, {}], [task, { 'x-secrets': secretsHeader(evilSecrets) }]] as const) {
    const { sid, status } = await create(url, body, headers);
    assert.equal(status, 200);
    const r = await callTool(url, 'genome-qa', sid, 'submit_answer', nonAnswer);
    assert.equal(r.result?.ok, true, JSON.stringify(r));
    assert.equal(r.result.output.reward, 0);
  }
  assert.equal(judge.requests.length, 0, 'a JUDGE_API_KEY secret is not a key the server uses');
  // a lent openai_api_key: the server's judge, with the server's model
  const { sid } = await create(url, { ...task, secrets: { ...evilSecrets, openai_api_key: 'sk-client-lent' } });
  const judged = await callTool(url, 'genome-qa', sid, 'submit_answer', nonAnswer);
  assert.equal(judged.result?.output.reward, 0);
  assert.equal(judge.requests.length, 1);
  assert.equal(judge.requests[0].model, 'server-judge');
  assert.equal(judge.headers[0].authorization, 'Bearer sk-client-lent');
  assert.equal(evil.connections(), 0, `evil judge contacted: ${evil.requests.join(', ')}`);

  // ten concurrent submits on one session: one graded
  const s2 = await create(url, task);
  const burst = await Promise.all(Array.from({ length: 10 }, () => callTool(url, 'genome-qa', s2.sid, 'submit_answer', { answer: { gc_content: '0.99' }, explanation: 'guess' })));
  assert.equal(burst.filter((b) => b.result?.ok).length, 1);

  // a task spec the environment cannot serve: 400 at /create
  const bad = await create(url, { env_name: 'genome-qa', task_spec: { split: 'train', index: 1.5 } });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(`${url}/health`)).status, 200);
});

test('genegym serve stops on SIGTERM and leaves no workspace behind', { skip, timeout: 60_000 }, async () => {
  child!.kill('SIGTERM');
  const [code] = await once(child!, 'exit');
  assert.equal(code, 0, stderr);
  const left = await readdir(join(scratch, 'genegym-ws')).catch(() => [] as string[]);
  assert.deepEqual(left, [], 'workspace roots left after a clean stop');
});
