import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with OWASP's second recommended profile: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export interface PasswordProblem {
  rule: 'min_length' | 'max_length' | 'not_email';
  message: string;
}

/** The password policy: 10 to 256 characters, and not the account's email. */
export function checkPasswordPolicy(password: string, email?: string): PasswordProblem | undefined {
  if (password.length < 10) return { rule: 'min_length', message: 'must be at least 10 characters' };
  if (password.length > 256) return { rule: 'max_length', message: 'must be at most 256 characters' };
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return { rule: 'not_email', message: 'must not be the email address' };
  }
  return undefined;
}
