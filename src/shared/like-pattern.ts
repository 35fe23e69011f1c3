/**
 * A search term for SQL LIKE (and Prisma's `contains`, which does not escape either): its
 * wildcards `%` and `_`, and the escape character itself, match themselves.
 */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
