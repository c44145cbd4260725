/**
 * The roles a bearer token can carry, weakest first: `read` (queries), `write` (changes such as publishing
 * readings, acknowledging or silencing alerts), `admin` (everything, including administrative calls).
 *
 * Why ordered: a stronger role implies the weaker ones (`write` may read, `admin` may do anything), so a token
 * file lists the one role that describes the caller and checks ask for the least role a call needs.
 */
export const roles = ["read", "write", "admin"] as const;

/** One of {@link roles}. */
export type Role = (typeof roles)[number];

/** Whether a set of granted roles includes `needed`, directly or through a stronger role. */
export function rolesInclude(granted: Iterable<Role>, needed: Role): boolean {
  const neededRank = roles.indexOf(needed);
  for (const role of granted) if (roles.indexOf(role) >= neededRank) return true;
  return false;
}
