import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';

// A publishable key only has to be well formed for networkless verification:
// pk_test_ + base64("<a domain with a dot>$").
export const LOCAL_PUBLISHABLE_KEY = 'pk_test_' + Buffer.from('clerk.shop.localhost$').toString('base64').replace(/=+$/, '');
export const LOCAL_SECRET_KEY = 'sk_test_local_development_only';

export type KeyPair = { publicKeyPem: string; privateKeyPem: string };

export function generateRsaKeyPair(): KeyPair {
  // Clerk's PEM loader assumes RSA-2048: larger keys fail as token-invalid-signature.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** The local development key pair under DATA_DIR, made on first use and kept across restarts. */
export function localKeyPair(dataDir: string): KeyPair {
  const privatePath = path.join(dataDir, 'dev-clerk-private.pem');
  const publicPath = path.join(dataDir, 'dev-clerk-public.pem');
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    mkdirSync(dataDir, { recursive: true });
    const pair = generateRsaKeyPair();
    writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicPath, pair.publicKeyPem);
  }
  return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
}

export type TokenClaims = { userId: string; role?: 'admin' | 'customer'; email?: string; name?: string; ttlSeconds?: number; azp?: string };

/** Signs a session token shaped like Clerk's (RS256, sub, sid, exp, metadata.role). */
export async function signSessionToken(privateKeyPem: string, claims: TokenClaims): Promise<string> {
  const key = await importPKCS8(privateKeyPem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sid: `sess_${claims.userId}`,
    metadata: { role: claims.role ?? 'customer' },
    ...(claims.email ? { email: claims.email } : {}),
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.azp ? { azp: claims.azp } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer('https://clerk.shop.localhost')
    .setIssuedAt(now - 1)
    .setNotBefore(now - 1)
    .setExpirationTime(now + (claims.ttlSeconds ?? 3600))
    .sign(key);
}
