import { databaseName, quoteIdent, redactUrl, withDatabase } from './database-url';

describe('database URLs', () => {
  it('reads the database name, percent-decoded', () => {
    expect(databaseName('postgres://u:p@db:5432/auth')).toBe('auth');
    expect(databaseName('postgres://db/my%20db')).toBe('my db');
  });

  it('refuses a URL that names no database', () => {
    expect(() => databaseName('postgres://db:5432')).toThrow('names no database');
    expect(() => databaseName('postgres://db:5432/')).toThrow('names no database');
  });

  it('swaps the database and keeps server, credentials and parameters', () => {
    const url = withDatabase('postgres://u:p%40ss@db:5433/auth?sslmode=require', 'postgres');
    expect(url).toBe('postgres://u:p%40ss@db:5433/postgres?sslmode=require');
    expect(databaseName(withDatabase('postgres://db/a', 'x/y z'))).toBe('x/y z');
  });

  it('hides the password, and never echoes an unparseable URL', () => {
    expect(redactUrl('postgres://u:secret@db/auth')).toBe('postgres://u:***@db/auth');
    expect(redactUrl('postgres://u@db/auth')).toBe('postgres://u@db/auth');
    expect(redactUrl('not a url with secret')).toBe('(unparseable URL)');
  });

  it('quotes identifiers, doubling inner quotes', () => {
    expect(quoteIdent('auth')).toBe('"auth"');
    expect(quoteIdent('a"; DROP DATABASE x; --')).toBe('"a""; DROP DATABASE x; --"');
  });
});
