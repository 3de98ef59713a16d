import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Secrets auth-service generates once and keeps in its database when the operator gives
 * none (the signing key, the refresh-token derivation key), so restarts and replicas agree.
 * The first replica to write wins; the others read its value.
 */
@Injectable()
export class ServerSecrets {
  constructor(private readonly dataSource: DataSource) {}

  async getOrCreate(name: string, create: () => string): Promise<string> {
    await this.dataSource.query(
      'INSERT INTO auth_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, create()],
    );
    const rows: { value: string }[] = await this.dataSource.query(
      'SELECT value FROM auth_secrets WHERE name = $1',
      [name],
    );
    return rows[0].value;
  }
}
