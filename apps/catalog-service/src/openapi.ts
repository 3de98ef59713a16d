/**
 * Writes this service's OpenAPI document without starting it (no database, no Redis):
 * `node dist/openapi.js dist/openapi.json`, run by the build. It fails when a route is
 * undocumented (see openApiProblems in @hybrid-auth/platform).
 */
import 'reflect-metadata';
import { writeOpenApiDocument } from '@hybrid-auth/platform';
import { AppModule } from './app.module';
import { loadCatalogConfig } from './config/catalog.config';
import { SERVICE } from './service';

/** The module as documented: any valid configuration will do, nothing is started. */
export const documentedModule = () =>
  AppModule.register(loadCatalogConfig({ DATABASE_URL: 'postgres://docs@127.0.0.1:5432/docs' }));

if (require.main === module) {
  writeOpenApiDocument(documentedModule(), SERVICE, process.argv[2] ?? 'dist/openapi.json').catch(
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
