import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The tree shows the architecture (DESIGN §2): `config/` sits below the dialects and drivers (the registries
 * compose their config sections), no dialect imports another, no driver another, and the shared upstream client
 * in `drivers/http/` is a leaf the drivers stand on, without import circles.
 */
const SRC = resolve(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of a file, as paths below src/ without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)));
}

const graph = new Map(sources(SRC).map((file) => [relative(SRC, file).replace(/\.ts$/, ''), importsOf(file)]));
const folderOf = (path: string, top: string): string | undefined => (path.startsWith(`${top}/`) ? path.split('/')[1] : undefined);

test('the scan sees the imports it judges', () => {
  expect(graph.get('inbound/registry')).toContain('inbound/gms/gms.router');
  expect(graph.get('drivers/nexus/nexus.driver')?.some((p) => p.startsWith('drivers/http/'))).toBe(true);
});

test('config/ imports no dialect and no driver', () => {
  const offending = [...graph].filter(([file]) => file.startsWith('config/')).flatMap(([file, deps]) => deps.filter((d) => /^(inbound|drivers)\//.test(d)).map((d) => `${file} → ${d}`));
  expect(offending).toEqual([]);
});

test('no dialect imports another, no driver another (drivers/http is shared by all)', () => {
  const offending: string[] = [];
  for (const [file, deps] of graph) {
    for (const top of ['inbound', 'drivers']) {
      const own = folderOf(file, top);
      if (own === undefined || !file.includes('/', top.length + 1 + own.length)) continue; // registries sit above the folders
      for (const dep of deps) {
        const other = folderOf(dep, top);
        if (other !== undefined && other !== own && other !== 'http' && dep.includes('/', top.length + 1 + other.length)) offending.push(`${file} → ${dep}`);
      }
    }
  }
  expect(offending).toEqual([]);
});

test('drivers/http has no import circle', () => {
  const inHttp = (p: string) => p.startsWith('drivers/http/');
  const circles: string[] = [];
  const visit = (file: string, trail: string[]): void => {
    if (trail.includes(file)) return void circles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
    for (const dep of graph.get(file) ?? []) if (inHttp(dep)) visit(dep, [...trail, file]);
  };
  for (const file of graph.keys()) if (inHttp(file)) visit(file, []);
  expect(circles).toEqual([]);
});
