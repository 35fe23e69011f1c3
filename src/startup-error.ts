/**
 * A start-up failure the operator can fix: its message is one line naming the cause and the
 * fix, printed as is (no stack trace) before the process exits non-zero.
 */
export class StartupError extends Error {}
