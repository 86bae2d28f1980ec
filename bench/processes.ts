import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../scripts/lib/paths';

// Child processes of the bench and what /proc says about them (RSS, CPU time).

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  /** Last lines of its output, for error messages. */
  tail(): Promise<string>;
}

/** Spawns `command`, output to <logDir>/<name>.log. With `ipc`, a message channel is opened too. */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; logDir: string; ipc?: boolean },
): Child {
  const logFile = path.join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(command, [...args], { env: options.env, stdio, cwd: projectRoot });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('exit', () => log.end());
  return {
    name,
    process: child,
    logFile,
    tail: async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.split('\n').slice(-15).join('\n');
    },
  };
}

/** `node --import tsx <entry>` from the project root, like scripts/dev.ts starts the services. */
export function startNode(
  name: string,
  entry: string,
  options: { env: NodeJS.ProcessEnv; logDir: string; ipc?: boolean },
): Child {
  // BENCH_CPU_PROFILE=<dir>: each process writes a V8 CPU profile there when it exits (for perf work).
  const profile = process.env.BENCH_CPU_PROFILE;
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profile, name)}`] : [];
  return startChild(
    name,
    process.execPath,
    [...flags, '--import', 'tsx', path.join(projectRoot, entry)],
    options,
  );
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size in bytes (VmRSS), or null once the process is gone. */
export async function rssOf(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match?.[1] ? Number(match[1]) * 1024 : null;
}

/**
 * User + system CPU time of a process in ms, or null once it is gone (or off Linux). With
 * `exitedChildren`, the CPU of its children that have exited is included (cutime + cstime).
 */
export async function cpuMsOf(pid: number | undefined, exitedChildren = false): Promise<number | null> {
  if (pid === undefined) return null;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  // Fields after the command name (which may contain spaces) start at the last ')'.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return ((utime + stime + (exitedChildren ? cutime + cstime : 0)) * 1000) / CLOCK_TICKS;
}

/** Children of `parentPid` (e.g. PostgreSQL's backends of its postmaster). */
export async function childPids(parentPid: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === parentPid) pids.push(Number(entry));
  }
  return pids;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `ready` until it returns true; throws `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}
