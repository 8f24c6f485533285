import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const child = path.join('src', 'modules', 'core', 'testing', 'shutdown-child.ts');

/** Resolves with the first stdout line matching `pattern`; rejects when the process exits first. */
function lineMatching(
  output: { text: string },
  process: ReturnType<typeof spawn>,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output.text);
      if (match === null) return;
      process.stdout?.off('data', check);
      resolve(match);
    };
    process.stdout?.on('data', check);
    process.once('exit', () => {
      reject(new Error(`exited before printing ${String(pattern)}:\n${output.text}`));
    });
    check();
  });
}

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a request, then the request finishes, new connections are refused, and the process exits 0', async () => {
    // Node with tsx's loader, not the tsx command: that starts a second Node process and relays the signal to it.
    const app = spawn(process.execPath, ['--import=tsx', child], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    app.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    app.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => app.once('exit', resolve));
    try {
      const [, port = ''] = await lineMatching(output, app, /^listening (\d+)$/m);
      const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
      await lineMatching(output, app, /^in-flight$/m);
      app.kill('SIGTERM');
      await lineMatching(output, app, /^stopping$/m);
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ done: true });
      // Otherwise the client's keep-alive connection would hold the process open until the client hung up.
      expect(response.headers.get('connection')).toBe('close');
      expect(await exited).toBe(0);
      expect(output.text.indexOf('released')).toBeGreaterThan(output.text.indexOf('stopping'));
    } finally {
      app.kill('SIGKILL');
    }
  }, 30_000);
});
