// Runs every benchmark in turn (or those named: node bench/dist/run.js gateway-proxy) and prints markdown tables.
// `mttr` needs Docker and the shared lock (it starts a compose stack), so it runs only when named.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toMarkdown, type BenchTable } from './table.js';

const benchmarks = ['gateway-proxy', 'service-a-rate', 'registry-health-round', 'registry-caps'];
const onRequest = ['mttr'];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const known = [...benchmarks, ...onRequest];
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const selected = wanted.length ? known.filter((name) => wanted.includes(name)) : benchmarks;
  console.log(`# meshlab benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  for (const name of selected) {
    const file = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
    if (!existsSync(file)) {
      console.log(`### ${name}\n\nnot built (missing ${name}.js)\n`);
      continue;
    }
    const module = (await import(file)) as { run: () => Promise<BenchTable | BenchTable[]> };
    const tables = await module.run();
    for (const table of Array.isArray(tables) ? tables : [tables]) console.log(toMarkdown(table));
  }
}

await main();
