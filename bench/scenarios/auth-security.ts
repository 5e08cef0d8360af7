/**
 * @infra/auth's security helpers against their peers, in one run:
 *
 * - argon2id hash + verify with OWASP's parameters (m = 19 MiB, t = 2, p = 1, 32-byte tag): ours on `node:crypto`'s
 *   built-in argon2 (no native addon) vs the `@node-rs/argon2` native binding, one call at a time and 4 at once.
 * - TOTP verify of a valid code: ours (otplib underneath, node:crypto HMAC, replay claim in the memory store,
 *   each call a new user so every claim succeeds) vs otplib's own `verify` (stateless, its default noble HMAC).
 * - Security headers on the same Express 5 server: our `securityHeadersMiddleware` vs `helmet()`, each server in
 *   its own child process under autocannon, rounds alternating; median of the rounds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createPasswordHasher, createTotp } from '@infra/auth';
import { hash as rsHash, verify as rsVerify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { verify as otplibVerify } from 'otplib';
import { median } from '../src/measure.ts';
import { defineScenario } from '../src/scenario.ts';

const benchDir = join(import.meta.dirname, '..');
const scale = Number(process.env.BENCH_SCALE ?? 1) || 1;
const roundSeconds = Math.max(1, Math.round(3 * scale));
const rounds = 3;
const connections = 50;

const serverSource = `
import express from 'express';
const app = express();
if (process.env.SIDE !== 'peer') {
  const { createSecurityHeaders } = await import('@infra/auth');
  const { securityHeadersMiddleware } = await import('@infra/auth/express');
  const nonce = process.env.SIDE === 'ours';
  app.use(securityHeadersMiddleware({ headers: createSecurityHeaders({ contentSecurityPolicy: { nonce } }) }));
} else {
  const { default: helmet } = await import('helmet');
  app.use(helmet());
}
app.get('/', (req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

async function startServer(side: 'ours' | 'ours-static' | 'peer'): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', serverSource], {
    cwd: benchDir,
    env: { ...process.env, SIDE: side },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`headers bench server (${side}) exited with ${String(code)} before listening`);
    }),
  ])) as [Buffer];
  const { port } = JSON.parse(chunk.toString()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

async function load(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  return result.requests.average;
}

const owasp = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

export default defineScenario({
  name: 'auth-security',
  ours: '@infra/auth',
  peer: '@node-rs/argon2 / otplib / helmet',
  description: 'argon2id hash+verify (OWASP params), TOTP verify, security-headers middleware req/s on Express',
  async run(bench) {
    const argon = bench.against('@node-rs/argon2');
    const hasher = createPasswordHasher({ concurrency: 4 });
    const password = 'correct horse battery staple';
    const oursHashAndVerify = async () => {
      const stored = await hasher.hash(password);
      if (!(await hasher.verify(stored, password)).ok) throw new Error('ours failed to verify');
    };
    const peerHashAndVerify = async () => {
      const stored = await rsHash(password, owasp);
      if (!(await rsVerify(stored, password))) throw new Error('@node-rs/argon2 failed to verify');
    };
    const slow = { roundMs: 1500 * scale, rounds: 4 };
    await argon.compare(
      'argon2id hash + verify, one at a time',
      { ours: oursHashAndVerify, peer: peerHashAndVerify },
      slow,
    );
    await argon.compare(
      'argon2id hash + verify, 4 at once',
      { ours: oursHashAndVerify, peer: peerHashAndVerify },
      { ...slow, concurrency: 4 },
    );

    const otp = bench.against('otplib');
    const totp = createTotp({ issuer: 'Bench' });
    const { secret } = totp.enroll('bench@example.com');
    let user = 0;
    let code = totp.generate(secret);
    let codeAt = Date.now();
    const fresh = () => {
      // A code is valid for its 30 s step and the ones around it; regenerate well within that.
      if (Date.now() - codeAt > 10_000) {
        code = totp.generate(secret);
        codeAt = Date.now();
      }
      return code;
    };
    await otp.compareSequential('TOTP verify of a valid code', {
      ours: async () => {
        if (!(await totp.verify(`u${user++}`, secret, fresh())).ok) throw new Error('ours refused a valid code');
      },
      peer: async () => {
        if (!(await otplibVerify({ secret, token: fresh(), epochTolerance: 30 })).valid) {
          throw new Error('otplib refused a valid code');
        }
      },
    });

    const helmet = bench.against('helmet');
    // helmet's default CSP has no nonce; ours has one per response. Both are measured: ours with its nonce, and
    // ours with a fixed policy like helmet's.
    for (const side of ['ours', 'ours-static'] as const) {
      const servers = { ours: await startServer(side), peer: await startServer('peer') };
      try {
        await load(servers.ours.url, 1);
        await load(servers.peer.url, 1);
        const rates = { ours: [] as number[], peer: [] as number[] };
        for (let round = 0; round < rounds; round++) {
          rates.ours.push(await load(servers.ours.url, roundSeconds));
          rates.peer.push(await load(servers.peer.url, roundSeconds));
        }
        helmet.record(
          `security headers on Express 5 (${side === 'ours' ? 'ours with a CSP nonce' : 'both without nonce'}), req/s`,
          'ops/s',
          median(rates.ours),
          median(rates.peer),
          `${connections} connections, median of ${rounds} rounds`,
        );
      } finally {
        await Promise.all([servers.ours.stop(), servers.peer.stop()]);
      }
    }
  },
});
