import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/service-process';

/** The running compose stack under test, as compose-test.sh describes it in the environment. */
export const GATEWAY_URL = process.env.COMPOSE_GATEWAY_URL ?? 'http://localhost:8080';
const PROJECT = process.env.COMPOSE_PROJECT_NAME ?? path.basename(ROOT);
const SECRETS = process.env.COMPOSE_SECRETS_DIR ?? path.join(ROOT, 'secrets');

export const secret = (name: string) => readFileSync(path.join(SECRETS, name), 'utf8').trim();

const run = promisify(execFile);

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', timeout: 30_000 }).trim();
}

/** The container of a compose service (Compose v1 and v2 label them alike). */
export function container(service: string): string {
  const id = docker(
    'ps',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  );
  if (!id) throw new Error(`no running container for ${service} in project ${PROJECT}`);
  return id.split('\n')[0];
}

/** A container's address on each network it is attached to, by the network's compose name. */
export function addressesByNetwork(service: string): Record<string, string> {
  const format =
    '{{range $name, $net := .NetworkSettings.Networks}}{{$name}}={{$net.IPAddress}} {{end}}';
  const pairs = docker('inspect', '-f', format, container(service)).split(/\s+/).filter(Boolean);
  // Compose v1 and v2 both name a network <project>_<name>.
  return Object.fromEntries(
    pairs.map((pair) => {
      const [network, address] = pair.split('=');
      return [network.replace(`${PROJECT}_`, ''), address];
    }),
  );
}

export const addresses = (service: string) => Object.values(addressesByNetwork(service));

/** Host ports a service publishes (`docker port`), e.g. ["127.0.0.1:8080"]. */
export function publishedPorts(service: string): string[] {
  return docker('port', container(service))
    .split('\n')
    .map((line) => line.split(' -> ')[1])
    .filter(Boolean);
}

/** Runs a Node script inside a service's container (every service image has node). */
export function nodeIn(service: string, script: string, ...args: string[]): string {
  return docker('exec', container(service), 'node', '-e', script, '--', ...args);
}

/**
 * Whether `service` can open a TCP connection to each `host:port` from inside its container, all
 * probed at once: "open", or why not (ENOTFOUND: the name is unknown on its networks;
 * ENETUNREACH, EHOSTUNREACH or "timeout": nothing answers at that address).
 */
export async function tcpFrom(service: string, targets: string[]): Promise<string[]> {
  const probe = `
    const net = require('node:net');
    const reach = (target) => new Promise((done) => {
      const [host, port] = target.split(/:(?=\\d+$)/);
      const socket = net.connect({ host, port: Number(port), timeout: 2000 });
      const end = (result) => { socket.destroy(); done(result); };
      socket.on('connect', () => end('open'));
      socket.on('timeout', () => end('timeout'));
      socket.on('error', (error) => end(error.code));
    });
    Promise.all(process.argv.slice(1).map(reach)).then((r) => console.log(JSON.stringify(r)));`;
  const { stdout } = await run('docker', [
    'exec',
    container(service),
    'node',
    '-e',
    probe,
    '--',
    ...targets,
  ]);
  return JSON.parse(stdout) as string[];
}
