/** Bad arguments: the CLI prints its usage and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
