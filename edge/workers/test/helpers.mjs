// Shared by the workerd tests and edge/workers/bench/bench.mjs: serve.sh started in a
// process group of its own, and stopped with it.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = join(dirname(fileURLToPath(import.meta.url)), '../serve.sh');
// Start-up includes building and installing when serve.sh finds them missing.
const START_TIMEOUT_MS = 180_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts serve.sh with `bindings` as its environment; resolves once the port answers. */
export async function serve(bindings) {
  const port = await freePort();
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('EDJWT_')) delete env[name];
  Object.assign(env, bindings);
  let log = '';
  const child = spawn('bash', [SERVE, String(port)], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let done = false;
  exited.then(() => (done = true));
  const stop = async () => {
    if (!done) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await portOpen(port))) {
    if (done || Date.now() > deadline) {
      await stop();
      throw new Error(`serve.sh did not listen on ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const get = (path, headers = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: 'manual' });
  // `pid` is workerd's: serve.sh execs it.
  return { port, pid: child.pid, get, stop, log: () => log };
}

