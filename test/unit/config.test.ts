import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('listens on 3000 with a matching public URL', () => {
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('uses the real Represent with a 55 per minute ceiling', () => {
    expect(config.represent.url).toBe('https://represent.opennorth.ca');
    expect(config.represent.ratePerMinute).toBe(55);
  });

  it('waits 10 minutes for SendGrid’s events with the webhook set up, an hour without, before a resend', () => {
    expect(config.delivery.reconcileWindowMs).toBe(3_600_000);
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkw' }).delivery.reconcileWindowMs).toBe(600_000);
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkw', RECONCILE_WINDOW_MS: '120000' }).delivery.reconcileWindowMs).toBe(120_000);
  });

  it('opens the Represent breaker after 3 failures in a row, for 30 s', () => {
    expect(config.represent.breaker).toEqual({ failures: 3, openMs: 30_000 });
  });

  it('logs JSON unless asked, when not on a terminal', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(configError({ LOG_FORMAT: 'fancy' }).message).toMatch(/LOG_FORMAT/);
  });

  it('sends from "Letters <letters@localhost>"', () => {
    expect(config.mailFrom).toEqual({ name: 'Letters', email: 'letters@localhost' });
  });

  it('has SendGrid, the database and admin off, and Redis at its default', () => {
    expect(config.sendgrid.apiKey).toBeUndefined();
    expect(config.sendgrid.apiUrl).toBe('https://api.sendgrid.com');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustProxy).toBe(false);
  });

  it('resolves DATA_DIR and CAMPAIGNS_DIR to absolute paths', () => {
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.campaignsDir).toBe(path.resolve('./data/campaigns'));
  });
});

describe('loadConfig values', () => {
  it('derives the public URL from PORT', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it.each([
    ['https://letters.example.org/', 'https://letters.example.org'],
    ['https://letters.example.org//', 'https://letters.example.org'],
    ['https://example.org/act/', 'https://example.org/act'],
  ])('trims the trailing slash of PUBLIC_URL %s', (value, expected) => {
    expect(loadConfig({ PUBLIC_URL: value }).publicUrl).toBe(expected);
  });

  it('trims the trailing slash of REPRESENT_URL and SENDGRID_API_URL', () => {
    const config = loadConfig({ REPRESENT_URL: 'http://127.0.0.1:9999/', SENDGRID_API_URL: 'http://127.0.0.1:9998/' });
    expect(config.represent.url).toBe('http://127.0.0.1:9999');
    expect(config.sendgrid.apiUrl).toBe('http://127.0.0.1:9998');
  });

  it('treats an empty string as unset', () => {
    const config = loadConfig({ PORT: '', PUBLIC_URL: '', SENDGRID_API_KEY: '', MAIL_FROM: '', REDIS_URL: '', ADMIN_TOKEN: '' });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.sendgrid.apiKey).toBeUndefined();
    expect(config.mailFrom.email).toBe('letters@localhost');
    expect(config.redisUrl).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
  });

  it.each([
    ['Dear MP <campaigns@example.org>', { name: 'Dear MP', email: 'campaigns@example.org' }],
    ['"Amnistie, Canada" <lettres@example.org>', { name: 'Amnistie, Canada', email: 'lettres@example.org' }],
    ['<only@example.org>', { name: undefined, email: 'only@example.org' }],
    ['bare@example.org', { name: undefined, email: 'bare@example.org' }],
  ])('parses MAIL_FROM %j', (value, expected) => {
    expect(loadConfig({ MAIL_FROM: value }).mailFrom).toEqual(expected);
  });

  it.each<[string, boolean | number | string]>([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ])('parses TRUST_PROXY=%j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it('reads numbers as numbers', () => {
    const config = loadConfig({ REPRESENT_RATE_PER_MIN: '120', DELIVERY_ATTEMPTS: '3' });
    expect(config.represent.ratePerMinute).toBe(120);
    expect(config.delivery.attempts).toBe(3);
  });

  it('accepts postgres and rediss URLs', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/dearmp', REDIS_URL: 'rediss://cache:6380' });
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/dearmp');
    expect(config.redisUrl).toBe('rediss://cache:6380');
  });
});

describe('loadConfig errors', () => {
  it('PORT=abc stops with a ConfigError naming PORT', () => {
    const { message } = configError({ PORT: 'abc' });
    expect(message).toMatch(/\bPORT\b/);
    expect(message).toContain('abc');
  });

  it.each([
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', '3000.5'],
    ['PUBLIC_URL', 'letters.example.org'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['REDIS_URL', 'http://x'],
    ['REPRESENT_URL', 'notaurl'],
    ['REPRESENT_RATE_PER_MIN', 'fast'],
    ['MAIL_FROM', 'Letters'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_PREFIX', 'a b'],
  ])('%s=%j is refused, naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('reports several bad values in ONE single-line error naming each', () => {
    const error = configError({ PORT: '0', REDIS_URL: 'http://x', REPRESENT_URL: 'notaurl' });
    expect(error.message).not.toMatch(/[\r\n]/);
    for (const name of ['PORT', 'REDIS_URL', 'REPRESENT_URL']) expect(error.message).toContain(name);
  });

  it('keeps the error on one line even when a bad value has a newline in it', () => {
    const error = configError({ PUBLIC_URL: 'not\na url' });
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).toContain('PUBLIC_URL');
  });
});
