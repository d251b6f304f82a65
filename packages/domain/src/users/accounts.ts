import { createHash, randomUUID } from 'node:crypto';
import type { AuthOptions, PasswordLoginBody, SignupBody } from '@fixloop/contracts';
import { DomainError } from '../errors.js';
import type { AccountDeps } from './deps.js';
import { hashPassword, verifyDecoy, verifyPassword } from './passwords.js';
import type { CreateUserRefusal, NewUser, UserRecord } from './ports.js';

/** Which sign-in methods the dashboard should offer now. */
export async function authOptions(deps: AccountDeps): Promise<AuthOptions> {
  return { signup: deps.settings.allowSignup || !(await deps.users.any()), github: deps.github !== null };
}

export function refusal(reason: CreateUserRefusal, email: string): DomainError {
  switch (reason) {
    case 'email_taken':
      return new DomainError('conflict', `an account with the email ${email} exists: sign in instead`, {
        reason,
      });
    case 'signup_closed':
      return new DomainError(
        'forbidden',
        'sign-up is closed on this server (ALLOW_SIGNUP): ask its admin to turn it on',
        { reason },
      );
  }
}

/** Stores a new account; the first one ever becomes instance admin. */
export async function createAccount(deps: AccountDeps, user: NewUser): Promise<UserRecord> {
  const created = await deps.users.create(user, deps.settings.allowSignup);
  if (!created.ok) throw refusal(created.reason, user.email);
  return { ...user, admin: created.admin };
}

/** `POST /auth/signup`: the first person may always sign up; others while `ALLOW_SIGNUP` is on. */
export async function signUp(deps: AccountDeps, body: SignupBody): Promise<UserRecord> {
  // Refused before the (deliberately slow) hash when the answer is already known.
  if (!deps.settings.allowSignup && (await deps.users.any())) throw refusal('signup_closed', body.email);
  if (await deps.users.findByEmail(body.email)) throw refusal('email_taken', body.email);
  return createAccount(deps, {
    id: randomUUID(),
    email: body.email,
    name: body.name,
    createdAt: deps.now().toISOString(),
    passwordHash: await hashPassword(body.password, deps.settings.scrypt),
  });
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * `POST /auth/login` with an email and password. Every attempt counts against the email and the
 * client address before the password is checked (so parallel guesses cannot slip through); a
 * success takes its own attempt back. Unknown emails cost the same work as wrong passwords.
 */
export async function logInWithPassword(
  deps: AccountDeps,
  body: PasswordLoginBody,
  clientIp: string,
): Promise<UserRecord> {
  const limits = deps.settings.loginLimits;
  const emailKey = `login:email:${sha256(body.email)}`;
  const ipKey = `login:ip:${clientIp}`;
  const [byEmail, byIp] = await Promise.all([
    deps.limiter.hit(emailKey, limits.windowMs),
    deps.limiter.hit(ipKey, limits.windowMs),
  ]);
  const blocked = [
    byEmail.count > limits.perEmail ? byEmail.resetInMs : 0,
    byIp.count > limits.perIp ? byIp.resetInMs : 0,
  ];
  const waitMs = Math.max(...blocked);
  if (waitMs > 0) {
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    throw new DomainError('rate_limited', `too many sign-in attempts: try again in ${retryAfterS} s`, {
      retryAfterS,
    });
  }
  const user = await deps.users.findByEmail(body.email);
  const ok =
    user?.passwordHash === undefined
      ? await verifyDecoy(body.password, deps.settings.scrypt)
      : await verifyPassword(body.password, user.passwordHash);
  if (!ok || !user) throw new DomainError('unauthorized', 'wrong email or password');
  await Promise.all([deps.limiter.undo(emailKey), deps.limiter.undo(ipKey)]);
  return user;
}
