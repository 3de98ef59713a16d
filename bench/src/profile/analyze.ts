import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileEntry, ProfileResult } from '../report/results';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or part of the runtime) a frame belongs to. */
export function category(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node internals';
  if (/libs\/auth-guard\/|@hybrid-auth\/auth-guard/.test(frame.url))
    return '@hybrid-auth/auth-guard';
  if (/libs\/platform\/|@hybrid-auth\/platform/.test(frame.url)) return '@hybrid-auth/platform';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1];
  if (frame.url.includes('/bench/')) return 'bench (routes)';
  return 'other';
}

const where = (f: CallFrame) =>
  f.url === '' ? '' : `${path.basename(f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}`;
const frameKey = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${where(f)}`;
/**
 * The guard's work: any sample with a frame of the guard library or of the passport stack it
 * runs on a miss. Inclusive, and not only below canActivate: a verification that awaits
 * continues in a microtask, whose stack starts at the continuation, not at canActivate.
 */
const GUARD_PACKAGES = new Set([
  '@hybrid-auth/auth-guard',
  'passport',
  'passport-jwt',
  'passport-strategy',
  'jsonwebtoken',
  '@nestjs/passport',
]);
const isGuard = (f: CallFrame) => GUARD_PACKAGES.has(category(f));

/**
 * Self time per function and per package, and the time spent inside JwtAuthGuard.canActivate
 * (inclusive: everything it called), from a V8 .cpuprofile. A sample lasts until the next one.
 */
export function analyzeProfile(file: string, requests: number, label: string): ProfileResult {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, { frame: CallFrame; us: number }>();
  const guardSelf = new Map<string, { frame: CallFrame; us: number }>();
  const categories = new Map<string, number>();
  let total = 0;
  let guard = 0;
  const add = (
    map: Map<string, { frame: CallFrame; us: number }>,
    frame: CallFrame,
    us: number,
  ) => {
    const key = frameKey(frame);
    const entry = map.get(key) ?? { frame, us: 0 };
    entry.us += us;
    map.set(key, entry);
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    total += us;
    add(self, node.callFrame, us);
    const cat = category(node.callFrame);
    categories.set(cat, (categories.get(cat) ?? 0) + us);
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (isGuard(byId.get(at)!.callFrame)) {
        guard += us;
        add(guardSelf, node.callFrame, us);
        break;
      }
    }
  });
  const entries = (map: Map<string, { frame: CallFrame; us: number }>, n: number): ProfileEntry[] =>
    [...map.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, n)
      .map(({ frame, us }) => ({
        name: frame.functionName || '(anonymous)',
        where: `${category(frame)} ${where(frame)}`.trim(),
        selfMs: us / 1000,
        selfPct: (100 * us) / total,
      }));
  return {
    label,
    file,
    requests,
    totalMs: total / 1000,
    top: entries(self, 25),
    byCategory: [...categories.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        category: name,
        selfMs: us / 1000,
        selfPct: (100 * us) / total,
        usPerReq: us / requests,
      })),
    guardUsPerReq: guard / requests,
    guardFrames: entries(guardSelf, 12),
  };
}
