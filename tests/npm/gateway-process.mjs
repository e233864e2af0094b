// Runs a real `agentrouter serve` for the npm tests: a temp data folder, a config file, one minted key,
// `--port 0`, and the URL it prints. AGENTROUTER_BIN names the binary (ctest sets it).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const START_TIMEOUT_MS = 20_000;

export function requireBinary() {
  const bin = process.env.AGENTROUTER_BIN;
  if (!bin) {
    throw new Error(
      'AGENTROUTER_BIN is not set: point it at the built agentrouter binary (ctest sets it to $<TARGET_FILE:agentrouter>).',
    );
  }
  if (!fs.existsSync(bin)) throw new Error(`AGENTROUTER_BIN=${bin} does not exist: build the agentrouter target first.`);
  return bin;
}

function mintKey(bin, dataDir, name) {
  const r = spawnSync(bin, ['keys', 'create', '--name', name, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `agentrouter keys create failed (status ${r.status}): ${r.stderr}`);
  const minted = r.stdout.trim();
  const m = /^sk-ar-([a-z0-9]+)\.([A-Za-z0-9_-]+)$/.exec(minted);
  assert.ok(m, `agentrouter keys create printed an unexpected key: ${JSON.stringify(minted)}`);
  return { key: minted, keyId: m[1], keySecret: m[2] };
}

/**
 * Writes `config`, mints a key named `keyName` and starts the gateway with `env` added to the environment.
 * Resolves to { baseURL, key, keyId, keySecret, log(), out(), stop() } once it listens; stop() sends SIGTERM
 * (SIGKILL after 10 s), removes the temp folder and resolves to { code, signal }.
 */
export async function startGateway({ config, env = {}, keyName = 'npm-test' }) {
  const bin = requireBinary();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentrouter-npm-'));
  const dataDir = path.join(tmpDir, 'data');
  fs.mkdirSync(dataDir);
  const configPath = path.join(tmpDir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const minted = mintKey(bin, dataDir, keyName);

  let log = '';
  let out = '';
  const child = spawn(bin, ['serve', '--config', configPath, '--data-dir', dataDir, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    log += s;
  });
  child.stdout.setEncoding('utf8');
  const baseURL = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agentrouter serve did not report "listening on" within ${START_TIMEOUT_MS} ms.\nstdout: ${out}\nstderr: ${log}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (s) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`agentrouter serve exited early (code ${code}, signal ${signal}).\nstdout: ${out}\nstderr: ${log}`));
    });
  });

  async function stop() {
    try {
      if (child.exitCode !== null || child.signalCode !== null) return await exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  }

  return { baseURL, ...minted, log: () => log, out: () => out, stop };
}
