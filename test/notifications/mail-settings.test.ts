// The mail settings a process starts with, and the amounts mails show.
import { loadConfig } from '../../src/config.js';
import { formatMoney } from '../../src/notifications/render.js';

describe('SMTP_URL, MAIL_FROM and STOREFRONT_ORDER_URL', () => {
  test('when none is set, then mails go to the mailbox, from the default sender, without a pay link', () => {
    const config = loadConfig({});

    expect([config.SMTP_URL, config.MAIL_FROM, config.STOREFRONT_ORDER_URL]).toEqual([undefined, 'Shop <shop@localhost>', undefined]);
  });

  test('when they are set, then the process has them', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:secret@mail.example:465',
      MAIL_FROM: 'Tea <tea@shop.example>',
      STOREFRONT_ORDER_URL: 'https://shop.example/orders/{orderId}',
    });

    expect([config.SMTP_URL, config.MAIL_FROM, config.STOREFRONT_ORDER_URL]).toEqual([
      'smtps://user:secret@mail.example:465',
      'Tea <tea@shop.example>',
      'https://shop.example/orders/{orderId}',
    ]);
  });

  test.each([
    ['SMTP_URL', 'http://mail.example', /SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/],
    ['SMTP_URL', 'not a url', /SMTP_URL/],
    ['STOREFRONT_ORDER_URL', 'https://shop.example/orders', /STOREFRONT_ORDER_URL: must contain \{orderId\}/],
    ['STOREFRONT_ORDER_URL', 'ftp://shop.example/{orderId}', /STOREFRONT_ORDER_URL: an http/],
  ])('when %s is %s, then start-up stops with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  test('when a bad SMTP_URL carries a password, then the message does not repeat it', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('amounts in mails', () => {
  test.each([
    [123456, 'USD', '$1,234.56'],
    [5, 'USD', '$0.05'],
    [1500, 'JPY', '¥1,500'],
    [12345, 'BHD', 'BHD 12.345'],
    [125000, 'BDT', 'BDT 1,250.00'],
  ])('when %d minor units of %s are shown, then they read %s (the currency’s own minor units)', (minor, currency, shown) => {
    expect(formatMoney(minor, currency).replace(/\u00a0/g, ' ')).toBe(shown);
  });
});
