/**
 * A tiny W3C WebDriver client (the few commands the tests use) and WebKit's driver: Debian's
 * WebKitWebDriver starting MiniBrowser in automation mode, under xvfb-run (WebKitGTK needs a
 * display). Every request is bounded by a timeout; the driver's process group is killed on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { WebKitBinaries } from './engines.js';

/** A WebDriver error answer (`{ value: { error, message } }`) or a transport failure. */
export class WebDriverError extends Error {
  constructor(
    readonly command: string,
    readonly code: string,
    message: string,
  ) {
    super(`WebDriver ${command}: ${code}: ${message}`);
    this.name = 'WebDriverError';
  }
}

export interface WebDriverSession {
  readonly id: string;
  readonly capabilities: Record<string, unknown>;
  navigate(url: string): Promise<void>;
  /** Runs `script` as an async script: its last argument is the callback that ends it. */
  executeAsync(script: string, args: unknown[], timeoutMs: number): Promise<unknown>;
  /** Types `text` into the first element matching `css` (for a file input: newline-separated paths). */
  sendKeys(css: string, text: string): Promise<void>;
  /** PNG bytes of the viewport. */
  screenshot(): Promise<Buffer>;
  delete(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One WebDriver command; `timeoutMs` bounds the whole exchange. */
async function command(base: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
  const name = `${method} ${path}`;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new WebDriverError(name, 'transport', String(error));
  }
  const text = await response.text();
  let parsed: { value?: unknown };
  try {
    parsed = JSON.parse(text) as { value?: unknown };
  } catch {
    throw new WebDriverError(name, `HTTP ${response.status}`, text.slice(0, 200));
  }
  const value = parsed.value as { error?: string; message?: string } | undefined;
  if (!response.ok || (value && typeof value === 'object' && typeof value.error === 'string')) {
    throw new WebDriverError(name, value?.error ?? `HTTP ${response.status}`, value?.message ?? text.slice(0, 200));
  }
  return parsed.value;
}

/** Opens a session on a WebDriver server at `base` (e.g. `http://127.0.0.1:4444`). */
export async function createSession(base: string, capabilities: Record<string, unknown>, timeoutMs = 60_000): Promise<WebDriverSession> {
  const created = (await command(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, timeoutMs)) as {
    sessionId: string;
    capabilities: Record<string, unknown>;
  };
  const at = `/session/${created.sessionId}`;
  return {
    id: created.sessionId,
    capabilities: created.capabilities,
    async navigate(url) {
      await command(base, 'POST', `${at}/url`, { url }, timeoutMs);
    },
    async executeAsync(script, args, scriptTimeoutMs) {
      await command(base, 'POST', `${at}/timeouts`, { script: scriptTimeoutMs }, timeoutMs);
      return command(base, 'POST', `${at}/execute/async`, { script, args }, scriptTimeoutMs + 5_000);
    },
    async sendKeys(css, text) {
      const found = (await command(base, 'POST', `${at}/element`, { using: 'css selector', value: css }, timeoutMs)) as Record<
        string,
        string
      >;
      const element = Object.values(found)[0];
      await command(base, 'POST', `${at}/element/${element}/value`, { text }, timeoutMs);
    },
    async screenshot() {
      return Buffer.from((await command(base, 'GET', `${at}/screenshot`, undefined, timeoutMs)) as string, 'base64');
    },
    async delete() {
      await command(base, 'DELETE', at, undefined, timeoutMs);
    },
  };
}

export interface RunningWebKit {
  session: WebDriverSession;
  /** WebKitGTK's version, e.g. `2.50.6`. */
  version: string;
  close(): Promise<void>;
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM'); // xvfb-run, Xvfb, the driver and MiniBrowser
  } catch {
    return Promise.resolve();
  }
  const forced = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3_000);
  return exited.finally(() => clearTimeout(forced));
}

/** Starts WebKitWebDriver under xvfb-run and opens a MiniBrowser session. Bounded by `timeoutMs`. */
export async function launchWebKit(binaries: WebKitBinaries, options: { timeoutMs?: number } = {}): Promise<RunningWebKit> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const port = await freePort();
  const child = spawn(binaries.xvfbRun, ['-a', '-s', '-screen 0 1280x1024x24', binaries.driver, `--port=${port}`, '--host=local'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    // The driver listens a moment after start: poll /status, bounded in time.
    for (;;) {
      if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}: ${stderr}`);
      try {
        await command(base, 'GET', '/status', undefined, 2_000);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer within ${timeoutMs} ms: ${String(error)} ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const session = await createSession(
      base,
      { 'webkitgtk:browserOptions': { binary: binaries.miniBrowser, args: ['--automation'] } },
      Math.max(5_000, deadline - Date.now()),
    );
    const version = String(session.capabilities.browserVersion ?? 'unknown');
    return {
      session,
      version,
      async close() {
        await session.delete().catch(() => undefined);
        await stopGroup(child);
      },
    };
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
}
