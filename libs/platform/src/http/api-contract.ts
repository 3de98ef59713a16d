import type { OpenAPIObject } from '@nestjs/swagger';

/** Who may call a route: anyone, a user's access token, an admin's, or the revocation secret. */
export type RouteAccess = 'open' | 'token' | 'admin' | 'secret';

export interface ContractRoute {
  method: string;
  /** In OpenAPI form: `/orders/{id}`. */
  path: string;
  access: RouteAccess;
  success: number;
  /** Error codes the contract names for this route, by status. */
  errors: Record<number, string[]>;
}

export interface ApiContract {
  /** Error codes the running system may answer (tables not marked "Planned"). */
  builtCodes: Set<string>;
  /** Error codes of sections marked "Planned: not built yet". */
  plannedCodes: Set<string>;
  /** The `routes <service>` blocks of the implementation notes. */
  routes: Map<string, ContractRoute[]>;
}

/** The 401 codes any route behind the access-token guard can answer. */
export const TOKEN_ERRORS = [
  'missing_token',
  'invalid_token',
  'token_expired',
  'session_revoked',
  'token_stale',
];

const PLANNED = /^\*\*Planned: not built yet\.\*\*/;
const ERROR_ROW = /^\|\s*\d{3}(?:\/\d{3})*\s*\|([^|]*)\|/;
const ROUTE_LINE =
  /^(GET|POST|PUT|PATCH|DELETE)\s+(\S+)\s+(open|token|admin|secret)\s+→\s+(\d{3})(.*)$/;

/**
 * Reads docs/api.md: the error-code tables (a row starts with its status, the codes are the
 * backticked words of the second cell) and the fenced `routes <service>` blocks. A table or
 * section is planned when its heading is followed by "**Planned: not built yet.**".
 */
export function parseApiContract(markdown: string): ApiContract {
  const contract: ApiContract = {
    builtCodes: new Set(),
    plannedCodes: new Set(),
    routes: new Map(),
  };
  let planned = false;
  let service: string | undefined;
  for (const line of markdown.split('\n')) {
    if (service !== undefined) {
      if (line.startsWith('```')) service = undefined;
      else if (line.trim()) contract.routes.get(service)!.push(parseRoute(line, service));
      continue;
    }
    const block = /^```routes\s+(\S+)/.exec(line);
    if (block) {
      service = block[1];
      contract.routes.set(service, contract.routes.get(service) ?? []);
    } else if (line.startsWith('#')) planned = false;
    else if (PLANNED.test(line)) planned = true;
    else {
      const cell = ERROR_ROW.exec(line)?.[1] ?? '';
      const into = planned ? contract.plannedCodes : contract.builtCodes;
      for (const [, code] of cell.matchAll(/`([a-z][a-z0-9_]*)`/g)) into.add(code);
    }
  }
  return contract;
}

function parseRoute(line: string, service: string): ContractRoute {
  const match = ROUTE_LINE.exec(line.trim());
  if (!match) throw new Error(`docs/api.md, routes ${service}: cannot read "${line.trim()}"`);
  const [, method, path, access, success, rest] = match;
  const errors: Record<number, string[]> = {};
  for (const part of rest
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [status, codes] = /^(\d{3})\s+(.+)$/.exec(part)?.slice(1) ?? [];
    if (!status) throw new Error(`docs/api.md, routes ${service}: cannot read "${part}"`);
    errors[Number(status)] = codes.split(',').map((code) => code.trim());
  }
  return {
    method,
    path: path.replace(/:([A-Za-z]+)/g, '{$1}'),
    access: access as RouteAccess,
    success: Number(success),
    errors,
  };
}

interface Operation {
  security?: unknown[];
  responses?: Record<string, { description?: string; content?: unknown }>;
}

/** The codes an error answer documents: the enum of its `code` property. */
function documentedCodes(response: { content?: unknown } | undefined): string[] {
  const content = response?.content as
    Record<string, { schema?: { properties?: { code?: { enum?: string[] } } } }> | undefined;
  return Object.values(content ?? {}).flatMap(
    (media) => media.schema?.properties?.code?.enum ?? [],
  );
}

function operations(document: OpenAPIObject): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      found.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
  return found;
}

/**
 * Where a service's OpenAPI document and docs/api.md disagree: a route missing on either side,
 * another success status, an error code the contract names but the document does not, a
 * protected route without its 401, or a code outside the contract's built set.
 */
export function apiContractProblems(
  document: OpenAPIObject,
  contract: ApiContract,
  service: string,
): string[] {
  const routes = contract.routes.get(service);
  if (!routes) return [`docs/api.md has no routes block for ${service}`];
  const documented = operations(document);
  const problems: string[] = [];
  for (const route of routes) {
    const where = `${route.method} ${route.path}`;
    const operation = documented.get(where);
    if (!operation) problems.push(`${where}: in docs/api.md, not in the OpenAPI document`);
    else problems.push(...routeProblems(where, route, operation));
  }
  const listed = new Set(routes.map((route) => `${route.method} ${route.path}`));
  for (const [where, operation] of documented) {
    if (!listed.has(where)) problems.push(`${where}: in the OpenAPI document, not in docs/api.md`);
    for (const [status, response] of Object.entries(operation.responses ?? {}))
      for (const code of documentedCodes(response))
        if (!contract.builtCodes.has(code))
          problems.push(`${where}: ${status} ${code} is not in the contract's error tables`);
  }
  return problems;
}

function routeProblems(where: string, route: ContractRoute, operation: Operation): string[] {
  const problems: string[] = [];
  const responses = operation.responses ?? {};
  if (!responses[String(route.success)]) problems.push(`${where}: no ${route.success} answer`);
  const expected: Record<number, string[]> = { ...route.errors };
  if (route.access === 'token' || route.access === 'admin')
    expected[401] = [...TOKEN_ERRORS, ...(expected[401] ?? [])];
  if (route.access === 'admin') expected[403] = ['forbidden', ...(expected[403] ?? [])];
  for (const [status, codes] of Object.entries(expected)) {
    const present = new Set(documentedCodes(responses[status]));
    for (const code of codes)
      if (!present.has(code)) problems.push(`${where}: ${status} ${code} not documented`);
  }
  const secured = Array.isArray(operation.security) && operation.security.length > 0;
  if (secured !== (route.access !== 'open'))
    problems.push(
      `${where}: docs/api.md says ${route.access}, the document has ${secured ? 'a' : 'no'} security requirement`,
    );
  return problems;
}
