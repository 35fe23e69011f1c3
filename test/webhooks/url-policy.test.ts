// Which addresses a production shop may send webhooks to: public ones only, however spelled.
import { isPublicAddress, urlPolicyOf } from '../../src/webhooks/url-policy.js';

describe('isPublicAddress', () => {
  test.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    '::FFFF:192.168.1.1',
    '::127.0.0.1',
    'fc00::1',
    'fdff:ffff::1',
    'fe80::1',
    'febf::1',
    'fec0::1',
    'ff02::1',
    'not an address',
  ])('when the address is %s, then it is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8'])(
    'when the address is %s, then it is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('urlPolicyOf', () => {
  test('when the shop runs in production, then private addresses are refused unless the operator allows them', () => {
    expect(urlPolicyOf({ NODE_ENV: 'production', WEBHOOKS_ALLOW_PRIVATE_URLS: false })).toEqual({ blockPrivate: true });
    expect(urlPolicyOf({ NODE_ENV: 'production', WEBHOOKS_ALLOW_PRIVATE_URLS: true })).toEqual({ blockPrivate: false });
    expect(urlPolicyOf({ NODE_ENV: 'development', WEBHOOKS_ALLOW_PRIVATE_URLS: false })).toEqual({ blockPrivate: false });
  });
});
