import { DataDirBusyError } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { RedisBinaryMissingError } from '../infra/managed-redis.js';
import { createLogger } from '../logger.js';
import { type Role, type Runtime, startRuntime } from '../runtime.js';

const ROLES: Role[] = ['all', 'api', 'worker', 'reddit-poller'];

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    console.error(`unknown role "${role}": use one of ${ROLES.join(', ')}`);
    process.exit(2);
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`fixloop: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // Signals are handled from the first moment: one that arrives during start-up stops the process
  // as soon as start-up is done, cleanly.
  let runtime: Runtime | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    if (!runtime) return;
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    runtime = await startRuntime(config, log, role);
  } catch (err) {
    if (err instanceof RedisBinaryMissingError || err instanceof DataDirBusyError) {
      console.error(`fixloop: ${err.message}`);
      process.exit(1);
    }
    log.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  if (runtime.adminTokenGenerated) {
    // Printed once, on the first start; the operator finds it again in the file.
    process.stdout.write(
      `\nFixloop admin API key (shown once; also saved to ${runtime.adminTokenPath}, mode 0600):\n  ${runtime.adminToken}\n\n`,
    );
  }
  if (runtime.app) log.info({ url: runtime.container.config.publicUrl, role }, 'fixloop is up');
  else log.info({ role }, 'fixloop worker is up');
  if (stopping) {
    stopping = false;
    shutdown('signal during start-up');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
