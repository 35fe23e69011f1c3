// No test may reach beyond loopback: any other connection throws at once, loudly.
import net from 'node:net';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/i;

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  if (Array.isArray(first)) return targetOf(first); // net internals pass [options, callback]
  if (first && typeof first === 'object') return first as { host?: string; path?: string };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof second === 'string' ? second : 'localhost' };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const { host, path } = targetOf(args);
  if (!path && !LOOPBACK.test(host ?? 'localhost')) {
    throw new Error(`Network guard: a test tried to connect to ${host}; only loopback is allowed`);
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
