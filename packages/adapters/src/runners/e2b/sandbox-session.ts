/** How one command runs inside a sandbox. */
export interface SandboxRunOptions {
  /** Working directory (the user's home when absent). */
  cwd?: string;
  /** Variables for this command only: secrets go here, never to the sandbox as a whole. */
  envs?: Record<string, string>;
  /** The sandbox user to run as (`root` for the runner's own steps). */
  user?: string;
  /** Wall-clock limit; on expiry the process is killed and the result says `timedOut`. */
  timeoutMs: number;
  /** Whole lines of output, without their newline. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Aborting stops waiting for the command and rejects. */
  signal?: AbortSignal;
}

export interface SandboxRunResult {
  /** The exit code, or null when the command was killed for running too long. */
  exitCode: number | null;
  timedOut: boolean;
}

/**
 * One live sandbox, as the runner's steps see it. The E2B implementation speaks to E2B through its
 * SDK; the steps never see the SDK, its errors or its handles.
 */
export interface SandboxSession {
  readonly id: string;
  /** Writes a text file, creating parent directories. */
  write(path: string, text: string, opts?: { user?: string }): Promise<void>;
  run(command: string, opts: SandboxRunOptions): Promise<SandboxRunResult>;
  /** Destroys the sandbox; later calls answer the first call's promise. */
  kill(): Promise<void>;
}
