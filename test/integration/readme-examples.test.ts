import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack, type Stack } from '../support/stack';

// README.md cannot drift from the code: every curl example in it runs, in the order the README
// gives them, against the real stack (API on a socket, Temporal dev server, worker, PostgreSQL),
// and its status and answer must be the ones the README shows right after it (an ```http block:
// one `HTTP/1.1 <status> <text>` line and the JSON body per curl command of the ```sh block).
//
// In a shown answer, "…" stands for what differs from run to run (ids, instants, today's date) or
// is left out: a value "…" matches any value, a string with "…" in it matches any text there, a
// key "…" allows more keys in that object, and a last array element "…" allows more elements.
// `$OPS`, `$SERVICE` and `$PORTAL` are API keys of those roles; `credentials.csv` is the README's
// CSV example. GET examples are retried for a while (the projection is asynchronous); commands
// run once. The README's dates are fixed and in real time (the dev server cannot skip time): they
// hold until 2028-06 (the first expiration an example relies on); move them forward by then.

const run = promisify(execFile);
const README = join(__dirname, '..', '..', 'README.md');
const ELLIPSIS = '…';

interface Answer {
  status: number;
  body: unknown;
}

interface Example {
  /** 1-based line of the README the command starts on. */
  line: number;
  command: string;
  shown: Answer;
}

interface Fence {
  lang: string;
  /** Line of the opening fence (1-based). */
  line: number;
  text: string;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i += 1) body.push(lines[i] ?? '');
    found.push({ lang: open[1] ?? '', line: start + 1, text: body.join('\n') });
  }
  return found;
}

/** The curl commands of a shell block (continuation lines joined), with their lines. */
function curlCommands(fence: Fence): { line: number; command: string }[] {
  const commands: { line: number; command: string }[] = [];
  const lines = fence.text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const first = i;
    let command = lines[i] ?? '';
    while (command.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      command = `${command.slice(0, -1)} ${(lines[i] ?? '').trim()}`;
    }
    if (/^curl\s/.test(command.trim()))
      commands.push({ line: fence.line + 1 + first, command: command.trim() });
  }
  return commands;
}

/** The answers of an ```http block: a status line, then the JSON body, per answer. */
function shownAnswers(fence: Fence): Answer[] {
  const parts = fence.text.split(/^(?=HTTP\/1\.1 )/m).filter((part) => part.trim() !== '');
  return parts.map((part) => {
    const [statusLine = '', ...rest] = part.split('\n');
    const match = /^HTTP\/1\.1 (\d{3}) (.+)$/.exec(statusLine.trim());
    if (!match) throw new Error(`README line ${fence.line}: not a status line: ${statusLine}`);
    const status = Number(match[1]);
    if (STATUS_CODES[status] !== match[2]) {
      throw new Error(`README line ${fence.line}: ${status} is "${STATUS_CODES[status]}", not "${match[2]}"`);
    }
    const text = rest.join('\n').trim();
    return { status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  });
}

export function readmeExamples(markdown: string): { examples: Example[]; csv: string | null } {
  const all = fences(markdown);
  const examples: Example[] = [];
  let csv: string | null = null;
  all.forEach((fence, index) => {
    if (fence.lang === 'csv') csv = `${fence.text}\n`;
    if (fence.lang !== 'sh') return;
    const commands = curlCommands(fence);
    if (commands.length === 0) return;
    const next = all[index + 1];
    if (next?.lang !== 'http') {
      throw new Error(
        `README line ${fence.line}: curl examples without their answers (an \`\`\`http block next)`,
      );
    }
    const answers = shownAnswers(next);
    if (answers.length !== commands.length) {
      throw new Error(
        `README line ${next.line}: ${answers.length} answers shown for the ${commands.length} curl commands above`,
      );
    }
    commands.forEach((command, i) => examples.push({ ...command, shown: answers[i] as Answer }));
  });
  return { examples, csv };
}

/** Where `actual` differs from what the README shows, or null when it matches. */
export function mismatch(shown: unknown, actual: unknown, at = '$'): string | null {
  if (shown === ELLIPSIS) return null;
  if (typeof shown === 'string' && shown.includes(ELLIPSIS)) {
    const pattern = new RegExp(
      `^${shown
        .split(ELLIPSIS)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*')}$`,
    );
    return typeof actual === 'string' && pattern.test(actual)
      ? null
      : `${at}: ${JSON.stringify(actual)} does not match ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    const open = shown[shown.length - 1] === ELLIPSIS;
    const listed = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < listed.length : actual.length !== listed.length) {
      return `${at}: ${actual.length} elements, the README shows ${listed.length}${open ? ' or more' : ''}`;
    }
    for (let i = 0; i < listed.length; i += 1) {
      const inner = mismatch(listed[i], actual[i], `${at}[${i}]`);
      if (inner) return inner;
    }
    return null;
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    }
    const expected = shown as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    if (!(ELLIPSIS in expected)) {
      const extra = Object.keys(got).filter((key) => !(key in expected));
      if (extra.length > 0) return `${at}: keys the README does not show: ${extra.join(', ')}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      if (key === ELLIPSIS) continue;
      if (!(key in got)) return `${at}.${key}: missing from the answer`;
      const inner = mismatch(value, got[key], `${at}.${key}`);
      if (inner) return inner;
    }
    return null;
  }
  return Object.is(shown, actual)
    ? null
    : `${at}: ${JSON.stringify(actual)}, the README shows ${JSON.stringify(shown)}`;
}

describe('README.md: every curl example and its shown answer, against the real stack', () => {
  let stack: Stack;
  let dir: string;
  let markdown: string;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    markdown = await readFile(README, 'utf8');
    stack = await startStack({ taskQueue: 'readme-examples', auditDraw: () => 0 });
    dir = await mkdtemp(join(tmpdir(), 'readme-examples-'));
    for (const role of ['service', 'portal', 'ops'] as const) {
      env[role.toUpperCase()] = (await stack.repository.createApiKey(role, `README ${role}`)).token;
    }
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every curl in README.md is an example in a ```sh block followed by its answers', () => {
    const outside = markdown
      .replace(/^```[\s\S]*?^```/gm, '')
      .split('\n')
      .filter((line) => /\bcurl\s+(-|localhost|"localhost)/.test(line));
    expect(outside).toEqual([]);
    expect(readmeExamples(markdown).examples.length).toBeGreaterThan(20);
  });

  it('each example answers what the README shows', async () => {
    const { examples, csv } = readmeExamples(markdown);
    if (csv) await writeFile(join(dir, 'credentials.csv'), csv);
    const host = stack.baseUrl.replace(/^http:\/\//, '');
    // Every example runs (the later ones build on the earlier ones' commands); all problems are listed.
    const reports: string[] = [];
    for (const example of examples) {
      const command = example.command.replace(/localhost:3000/g, host);
      const retry = !/\s-X\s+POST\b/.test(command);
      const deadline = Date.now() + (retry ? 20_000 : 0);
      let problem: string | null = 'not run';
      let actual: Answer | undefined;
      while (problem) {
        const { stdout } = await run('bash', ['-c', `${command} -s -w '\\n%{http_code}'`], {
          cwd: dir,
          env: { ...process.env, ...env },
          maxBuffer: 16 * 1024 * 1024,
        });
        const cut = stdout.lastIndexOf('\n');
        const text = stdout.slice(0, cut);
        actual = { status: Number(stdout.slice(cut + 1)), body: text === '' ? undefined : safeJson(text) };
        problem =
          actual.status !== example.shown.status
            ? `status ${actual.status}, the README shows ${example.shown.status}`
            : mismatch(example.shown.body, actual.body);
        if (!problem || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      if (problem) {
        reports.push(
          `README line ${example.line}: ${example.command}\n${problem}\nanswer: ${JSON.stringify(actual)}`,
        );
      }
    }
    expect(reports).toEqual([]);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
