import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { lineSplitter } from '../../text/line-splitter.js';

export type OutputStream = 'stdout' | 'stderr';

export interface ProcessSpec {
  /** The program and its arguments; never run through a shell here. */
  argv: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** Written to stdin, which is then closed; stdin is /dev/null without it. */
  input?: string | undefined;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL to the process group. */
  killGraceMs: number;
  /** Output beyond this many bytes (both streams together) is read but not handed on. */
  outputCapBytes: number;
  signal: AbortSignal;
  onLine(stream: OutputStream, line: string): void;
  /** Called once when output first goes over the cap. */
  onCapped(): void;
}

export interface ProcessResult {
  /** Null when the process ended by a signal. */
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
}

/** How long to wait for the output pipes after the process exits (a straggler may hold them). */
const PIPE_DRAIN_MS = 1_000;

/**
 * Runs one process in its own process group. On timeout or abort the group gets SIGTERM, then
 * SIGKILL after the grace period; when the leader exits, what is left of its group is killed.
 * Rejects only when the process cannot be started.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  if (spec.signal.aborted) return Promise.resolve({ exitCode: null, timedOut: false, aborted: true });
  const [file, ...args] = spec.argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const { stdout, stderr } = child;
    if (!stdout || !stderr) throw new Error('spawn gave no output pipes');
    let timedOut = false;
    let aborted = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      if (graceTimer) return;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const output = captureOutput(spec);
    stdout.on('data', (chunk: Buffer) => output.push('stdout', chunk));
    stderr.on('data', (chunk: Buffer) => output.push('stderr', chunk));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the process may exit without reading its input
      child.stdin.end(spec.input);
    }
    let exitCode: number | null = null;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      spec.signal.removeEventListener('abort', onAbort);
      output.flush();
    };
    child.once('error', (error) => {
      finish();
      reject(error);
    });
    child.once('exit', (code) => {
      exitCode = code;
      clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      killGroup('SIGKILL');
      drainTimer = setTimeout(() => {
        stdout.destroy();
        stderr.destroy();
      }, PIPE_DRAIN_MS);
    });
    child.once('close', () => {
      finish();
      resolve({ exitCode, timedOut, aborted });
    });
  });
}

function captureOutput(spec: ProcessSpec) {
  let used = 0;
  let capped = false;
  const streams = (['stdout', 'stderr'] as const).map((stream) => ({
    stream,
    decoder: new StringDecoder('utf8'),
    lines: lineSplitter((line) => spec.onLine(stream, line)),
  }));
  const of = (stream: OutputStream) => (stream === 'stdout' ? streams[0] : streams[1]);
  return {
    push(stream: OutputStream, chunk: Buffer) {
      const target = of(stream);
      if (capped || !target) return;
      const room = spec.outputCapBytes - used;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      used += part.length;
      target.lines.push(target.decoder.write(part));
      if (chunk.length > room) {
        capped = true;
        for (const s of streams) s.lines.flush();
        spec.onCapped();
      }
    },
    flush() {
      if (capped) return;
      for (const s of streams) {
        s.lines.push(s.decoder.end());
        s.lines.flush();
      }
    },
  };
}
