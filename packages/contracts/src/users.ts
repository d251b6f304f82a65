import { z } from 'zod';
import { Timestamp } from './common.js';

/** A member's role in one project: viewers read; members also write data; owners also manage the project. */
export const Role = z.enum(['owner', 'member', 'viewer']);
export type Role = z.infer<typeof Role>;

/** An email address as accounts store it: trimmed and lowercased. */
export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export type Email = z.infer<typeof Email>;

/** A new password: long enough to resist guessing, bounded so hashing stays cheap to refuse. */
export const NewPassword = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256)
  .meta({ description: '10 to 256 characters' });

/** A signed-in person, as the API shows them (never a password hash or a token). */
export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    createdAt: Timestamp,
    admin: z.boolean().meta({ description: 'instance admin: reaches every project (the first user)' }),
    githubLogin: z.string().optional().meta({ description: 'the linked GitHub account, if any' }),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

/** One member of a project. */
export const Member = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: Role,
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof Member>;

/** `POST /projects/{pid}/members`: adds a person who has signed up (or changes their role). */
export const AddMemberBody = z.object({ email: Email, role: Role }).strict();
export type AddMemberBody = z.infer<typeof AddMemberBody>;
