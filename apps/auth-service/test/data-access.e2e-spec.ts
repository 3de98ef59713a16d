import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { SESSION_COLUMNS, Session } from '../src/sessions/session.entity';
import { USER_COLUMNS, User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { PASSWORD, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';

/** The rule at the top of user.entity.ts: entities mirror the migrated schema, raw rows have their shape. */
describe('data access: entities and raw rows', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const tableColumns = async (table: string) =>
    (
      (await t.dataSource.query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      )) as { column_name: string }[]
    )
      .map((row) => row.column_name)
      .sort();
  const metadata = (entity: EntityTarget<ObjectLiteral>) => t.dataSource.getMetadata(entity);

  it.each([
    ['users', User],
    ['sessions', Session],
  ] as const)(
    'the %s entity has exactly the columns of the migrated table',
    async (table, entity) => {
      const columns = metadata(entity).columns.map((column) => column.databaseName);
      expect(metadata(entity).tableName).toBe(table);
      expect(columns.sort()).toEqual(await tableColumns(table));
    },
  );

  // The hidden column (password or token hash) is the only one a raw row leaves out.
  const visibleProperties = (entity: EntityTarget<ObjectLiteral>) =>
    metadata(entity)
      .columns.filter((column) => column.isSelect)
      .map((column) => column.propertyName)
      .sort();

  it('USER_COLUMNS and SESSION_COLUMNS select every visible column under its entity name', async () => {
    const session = await signUpAndLogin(t);
    const [user] = await t.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [
      session.user.id,
    ]);
    expect(Object.keys(user).sort()).toEqual(visibleProperties(User));
    const [row] = await t.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`,
      [session.sessionId],
    );
    expect(Object.keys(row).sort()).toEqual(visibleProperties(Session));
  });

  it('a user written by raw SQL comes back with every visible column of the entity', async () => {
    const user = await t.app.get(UsersService).register(uniqueEmail('raw'), PASSWORD);
    expect(Object.keys(user).sort()).toEqual(visibleProperties(User));
    expect(user.credentialVersion).toBe(0);
    expect(await t.app.get(UsersService).findById(user.id)).toEqual(user);
  });
});
