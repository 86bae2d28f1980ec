import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

// A service started by its real entry point (`tsx api/main.ts`), its stdout kept line by line.

const ROOT = path.resolve(__dirname, '..', '..');
export const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface NodeProcess {
  child: ChildProcess;
  lines: string[];
  /** What it wrote to stderr (also passed through to the test's own). */
  stderr: string[];
  /** Resolves with the first stdout line that matches; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<string>;
}

export function startEntry(entry: string, env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(TSX, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiting.filter((x) => x.pattern.test(line))) w.resolve(line);
    }
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    process.stderr.write(chunk);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`))),
  );
  exited.catch(() => undefined);
  return {
    child,
    lines,
    stderr,
    waitFor: (pattern) => {
      const found = lines.find((l) => pattern.test(l));
      if (found) return Promise.resolve(found);
      return Promise.race([new Promise<string>((resolve) => waiting.push({ pattern, resolve })), exited]);
    },
  };
}

/** SIGTERM, then its exit code (null if it was killed by a signal). */
export async function stopEntry(p: NodeProcess | undefined): Promise<number | null> {
  if (!p) return null;
  if (p.child.exitCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  p.child.kill('SIGTERM');
  return exited;
}
