/**
 * Signing-key file maintenance for operators (see docs/operations.md, "Signing keys"):
 *
 *   node apps/auth-service/dist/cli/signing-keys.js generate <file> [--if-missing]
 *   node apps/auth-service/dist/cli/signing-keys.js add <file>          publish a new key (not signing yet)
 *   node apps/auth-service/dist/cli/signing-keys.js promote <file> <kid> the key signs from now on
 *   node apps/auth-service/dist/cli/signing-keys.js retire <file> <kid>  stop publishing an old key
 *   node apps/auth-service/dist/cli/signing-keys.js list <file>
 *
 * auth-service re-reads the file when it changes, so no restart is needed. Files are written
 * atomically with mode 0600; private keys are never printed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generatePrivateJwk, parseSigningKeys } from '../tokens/private-jwks';

type Jwk = Record<string, string>;

function load(file: string): Jwk[] {
  const document = JSON.parse(readFileSync(file, 'utf8')) as { keys: Jwk[] };
  parseSigningKeys(document, file);
  return document.keys;
}

function save(file: string, keys: Jwk[]): void {
  parseSigningKeys({ keys }, file);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function run(args: string[], print: (line: string) => void = console.log): void {
  const [command, file, kid] = args;
  if (!command || !file)
    throw new Error('usage: signing-keys <generate|add|promote|retire|list> <file> [kid]');
  switch (command) {
    case 'generate': {
      if (existsSync(file)) {
        if (args.includes('--if-missing')) return print(`${file} exists: kept`);
        throw new Error(`${file} exists; use "add" to rotate`);
      }
      const key = generatePrivateJwk();
      save(file, [key]);
      return print(`generated ${key.kid} (signing)`);
    }
    case 'add': {
      const key = generatePrivateJwk();
      save(file, [...load(file), key]);
      return print(
        `added ${key.kid}: published now; promote it after guards have refetched the JWKS`,
      );
    }
    case 'promote': {
      const keys = load(file);
      const index = keys.findIndex((k) => k.kid === kid);
      if (index === -1) throw new Error(`no key ${kid} in ${file}`);
      if (!keys[index].d) throw new Error(`${kid} has no private part and cannot sign`);
      save(file, [keys[index], ...keys.filter((_, i) => i !== index)]);
      return print(`${kid} signs from now on; the previous key stays published`);
    }
    case 'retire': {
      const keys = load(file);
      if (keys[0]?.kid === kid)
        throw new Error(`${kid} is the signing key: promote another one first`);
      if (!keys.some((k) => k.kid === kid)) throw new Error(`no key ${kid} in ${file}`);
      save(
        file,
        keys.filter((k) => k.kid !== kid),
      );
      return print(`${kid} is no longer published`);
    }
    case 'list':
      return load(file).forEach((k, i) => print(`${k.kid}  ${i === 0 ? 'signing' : 'published'}`));
    default:
      throw new Error(`unknown command ${command}`);
  }
}

if (require.main === module) {
  try {
    run(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
