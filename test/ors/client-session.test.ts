import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OrsClient } from '../../src/ors/client/client.js';
import { encodeSecretsHeader } from '../../src/ors/client/environment-client.js';
import { OrsError, OrsHttpError, OrsSessionDeadError } from '../../src/ors/client/errors.js';
import { delay, fakeServer, FAST, sendJson, sseEvent, startSse, type FakeServer, type Handler } from './client-fixtures.js';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

type Routes = Record<string, Handler>;

/** A fake ORS server with default answers that a test can override per path. */
async function ors(routes: Routes = {}) {
  const defaults: Routes = {
    '/list_environments': (_q, res) => sendJson(res, 200, ['alpha', 'beta']),
    '/create_session': (_q, res) => {
      startSse(res);
      res.end(sseEvent('task_id', 'sid-sse') + sseEvent('end', ''));
    },
    '/create': (_q, res) => sendJson(res, 200, { sid: 'sid-sse' }),
    '/ping': (_q, res) => sendJson(res, 200, { status: 'ok' }),
    '/delete': (_q, res) => sendJson(res, 200, { sid: 'sid-sse' }),
    '/delete_session': (_q, res) => sendJson(res, 200, { sid: 'sid-sse' }),
  };
  const s = await fakeServer((req, res, body, n) => {
    const path = (req.url ?? '').split('?')[0];
    const h = routes[path] ?? defaults[path];
    if (h) return h(req, res, body, n);
    sendJson(res, 404, { detail: 'Not Found' });
  });
  servers.push(s);
  const client = (extra: Partial<ConstructorParameters<typeof OrsClient>[0]> = {}) =>
    new OrsClient({ baseUrl: s.baseUrl, pingIntervalMs: 0, ...FAST, ...extra });
  const paths = () => s.seen.map((x) => x.url);
  return { s, client, paths };
}

test('create_session accepts SSE task_id, JSON {"sid"} and an end event carrying {"sid"}', async () => {
  const forms: Handler[] = [
    (_q, res) => {
      startSse(res);
      res.end(': hello\r\n\r\n' + sseEvent('task_id', 'sid-a') + sseEvent('end', ''));
    },
    (_q, res) => sendJson(res, 200, { sid: 'sid-b' }),
    (_q, res) => {
      startSse(res);
      res.end(sseEvent('end', '{"sid":"sid-c"}'));
    },
  ];
  const got: string[] = [];
  for (const form of forms) {
    const { client, s } = await ors({ '/create_session': form });
    const session = await client().environment('alpha').session({ task: { id: 1 } });
    got.push(session.sid);
    assert.equal(s.seen.find((x) => x.url === '/create')!.headers['x-session-id'], session.sid);
    assert.equal(s.seen.find((x) => x.url === '/create_session')!.headers.accept, 'text/event-stream');
  }
  assert.deepEqual(got, ['sid-a', 'sid-b', 'sid-c']);
});

test('/create sends env_name with split/index, or with task_spec; secrets go in the body', async () => {
  const { client, s } = await ors();
  const env = client().environment('Beta');
  assert.equal(env.name, 'beta');
  await env.session({ split: 'test', index: 3, secrets: { TOKEN: 't0p' } });
  await env.session({ task: { id: 'g1' } });
  const bodies = s.seen.filter((x) => x.url === '/create').map((x) => JSON.parse(x.body) as unknown);
  assert.deepEqual(bodies, [
    { env_name: 'beta', split: 'test', index: 3, secrets: { TOKEN: 't0p' } },
    { env_name: 'beta', task_spec: { id: 'g1' } },
  ]);
  assert.equal(s.seen.find((x) => x.url === '/create')!.headers['x-secrets'], undefined);
});

test('the optional X-Secrets header uses the reference encoding', async () => {
  const { client, s } = await ors();
  await client({ sendSecretsHeader: true }).environment('alpha').session({ task: {}, secrets: { K: 'v' } });
  const header = s.seen.find((x) => x.url === '/create')!.headers['x-secrets'] as string;
  assert.equal(header, encodeSecretsHeader({ K: 'v' }));
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64').toString('utf8')), { K: { value: 'v' } });
});

test('session() refuses ambiguous or incomplete task choices before any request', async () => {
  const { client, s } = await ors();
  const env = client().environment('alpha');
  await assert.rejects(env.session({ task: {}, split: 'train', index: 0 }), /either task or split\+index/);
  await assert.rejects(env.session({ split: 'train' }), /split together with an index/);
  await assert.rejects(env.session({ split: 'train', index: 1.5 }), /integer/);
  assert.equal(s.seen.length, 0);
});

test('a failed /create releases the minted sid and throws the server detail', async () => {
  const { client, paths } = await ors({ '/create': (_q, res) => sendJson(res, 400, { detail: 'Invalid index' }) });
  await assert.rejects(
    client().environment('alpha').session({ split: 'train', index: 99 }),
    (err: unknown) => err instanceof OrsHttpError && err.status === 400 && err.detail === 'Invalid index',
  );
  assert.deepEqual(paths(), ['/create_session', '/create', '/delete_session']);
});

test('the ping loop pings at once and then periodically with the session id', async () => {
  const { client, s } = await ors();
  const session = await client({ pingIntervalMs: 30 }).environment('alpha').session({ task: {} });
  await delay(200);
  await session.close();
  const pings = s.seen.filter((x) => x.url === '/ping');
  assert.ok(pings.length >= 3, `expected several pings, saw ${pings.length}`);
  assert.ok(pings.every((p) => p.headers['x-session-id'] === 'sid-sse'));
  const after = pings.length;
  await delay(80);
  assert.equal(s.seen.filter((x) => x.url === '/ping').length, after, 'no pings after close');
});

test('a failed ping marks the session dead; later requests are not sent', async () => {
  const { client, s } = await ors({ '/ping': (_q, res) => sendJson(res, 404, { detail: 'Active environment not found' }) });
  const session = await client({ pingIntervalMs: 20 }).environment('alpha').session({ task: {} });
  for (let i = 0; i < 50 && !session.isDead; i++) await delay(10);
  assert.ok(session.isDead);
  const before = s.seen.length;
  await assert.rejects(session.call('x', {}), OrsSessionDeadError);
  await assert.rejects(session.prompt(), OrsSessionDeadError);
  assert.equal(s.seen.length, before);
  await session.close(); // still tidies up on the server
});

test('close() sends /delete then /delete_session once, however often it is called', async () => {
  const { client, paths } = await ors();
  const session = await client().environment('alpha').session({ task: {} });
  await Promise.all([session.close(), session.close()]);
  await session.close();
  assert.deepEqual(paths(), ['/create_session', '/create', '/delete', '/delete_session']);
  await assert.rejects(session.call('x', {}), (err: unknown) => err instanceof OrsError && /closed/.test(err.message));
});

test('prompt and task tools use the session id; task_tools falls back to /tools only on a missing route', async () => {
  const prompt = [{ type: 'text', text: 'Find BRCA1.' }];
  const tools = [{ name: 'answer', description: 'Answer.', input_schema: null }];
  const { client, s } = await ors({
    '/alpha/prompt': (_q, res) => sendJson(res, 200, prompt),
    '/alpha/tools': (_q, res) => sendJson(res, 200, { tools }),
  });
  const session = await client().environment('alpha').session({ task: {} });
  assert.deepEqual(await session.prompt(), [{ type: 'text', text: 'Find BRCA1.', detail: null }]);
  assert.deepEqual(await session.tools(), tools);
  assert.equal(s.seen.find((x) => x.url === '/alpha/prompt')!.headers['x-session-id'], 'sid-sse');
  assert.ok(s.seen.some((x) => x.url === '/alpha/task_tools'));
});

test('discovery calls send the right bodies; the default environment is the first listed', async () => {
  const { client, s } = await ors({
    '/alpha/splits': (_q, res) => sendJson(res, 200, [{ name: 'train', type: 'train' }, 'dev']),
    '/alpha/tools': (_q, res) => sendJson(res, 200, { tools: [] }),
    '/alpha/num_tasks': (_q, res) => sendJson(res, 200, { num_tasks: 5 }),
    '/alpha/task': (_q, res, body) => sendJson(res, 200, { task: { echo: JSON.parse(body) } }),
    '/alpha/task_range': (_q, res, body) => sendJson(res, 200, { tasks: [JSON.parse(body)] }),
    '/alpha/tasks': (_q, res) => sendJson(res, 200, { tasks: [{ id: 1 }], env_name: 'alpha' }),
  });
  const env = client().environment();
  assert.deepEqual(await env.splits(), [
    { name: 'train', type: 'train' },
    { name: 'dev', type: 'validation' },
  ]);
  assert.equal(env.name, 'alpha');
  assert.deepEqual(await env.tools(), []);
  assert.equal(await env.numTasks('train'), 5);
  assert.deepEqual(await env.task('train', -1), { echo: { split: 'train', index: -1 } });
  assert.deepEqual(await env.taskRange('train'), [{ split: 'train' }]);
  assert.deepEqual(await env.taskRange('train', 1, 3), [{ split: 'train', start: 1, stop: 3 }]);
  assert.deepEqual(await env.tasks('train'), [{ id: 1 }]);
  assert.equal(s.seen.filter((x) => x.url === '/list_environments').length, 1, 'name resolved once');
});

test('tasks() pages through the index API when the server will not list a split whole', async () => {
  const { client } = await ors({
    '/alpha/tasks': (_q, res) => sendJson(res, 400, { detail: 'split too large to list; use num_tasks/task_range' }),
    '/alpha/num_tasks': (_q, res) => sendJson(res, 200, { num_tasks: 2500 }),
    '/alpha/task_range': (_q, res, body) => {
      const { start, stop } = JSON.parse(body) as { start: number; stop: number };
      sendJson(res, 200, { tasks: Array.from({ length: stop - start }, (_, i) => ({ i: start + i })) });
    },
  });
  const tasks = await client().environment('alpha').tasks('train');
  assert.equal(tasks.length, 2500);
  assert.deepEqual(tasks[2499], { i: 2499 });
  const bad = await ors({ '/alpha/tasks': (_q, res) => sendJson(res, 400, { detail: 'Invalid split' }) });
  await assert.rejects(bad.client().environment('alpha').tasks('nope'), (err: unknown) => err instanceof OrsHttpError && err.detail === 'Invalid split');
});

test('health() is true only for {"status":"ok"} and never throws', async () => {
  const { client } = await ors({ '/health': (_q, res) => sendJson(res, 200, { status: 'ok' }) });
  assert.equal(await client().health(), true);
  const down = await ors({ '/health': (_q, res) => sendJson(res, 503, { detail: 'draining' }) });
  assert.equal(await down.client().health(), false);
  assert.deepEqual(await client().listEnvironments(), ['alpha', 'beta']);
});

test('option values are checked', () => {
  assert.throws(() => new OrsClient({ baseUrl: 'http://127.0.0.1:1', silenceTimeoutMs: 0 }), /silenceTimeoutMs/);
  assert.throws(() => new OrsClient({ baseUrl: 'http://127.0.0.1:1', pingIntervalMs: -5 }), /pingIntervalMs/);
});

test('/create retried after a lost answer treats "Session already exists" as its own success', async () => {
  const { client, paths } = await ors({
    '/create': (_q, res, _b, n) => {
      if (n === 2) return res.destroy(); // the first /create is processed but its answer is lost
      sendJson(res, 400, { detail: 'Session already exists' });
    },
  });
  const session = await client().environment('alpha').session({ task: {} });
  assert.equal(session.sid, 'sid-sse');
  assert.deepEqual(paths(), ['/create_session', '/create', '/create']);
});
