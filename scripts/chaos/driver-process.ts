import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { FromDriver } from './protocol.js';

export interface Driver {
  child: ChildProcess;
  /** The next message of this type from the driver (it fails if the driver exits first). */
  next(type: FromDriver['type']): Promise<FromDriver>;
}

/** Forks the ingestion driver (driver.ts) with an IPC channel. */
export function startDriver(): Driver {
  const child = fork(resolve(import.meta.dirname, 'driver.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: FromDriver[] = [];
  const waiting: Array<() => void> = [];
  const wake = () => {
    for (const w of waiting.splice(0)) w();
  };
  child.on('message', (m: FromDriver) => {
    inbox.push(m);
    wake();
  });
  child.on('exit', wake);
  return {
    child,
    async next(type) {
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type);
        if (i >= 0) return inbox.splice(i, 1)[0] as FromDriver;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the driver exited (${child.exitCode})`);
        await new Promise<void>((r) => waiting.push(r));
      }
    },
  };
}
