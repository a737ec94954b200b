import { describe, expect, it } from 'vitest';
import { reconcileByName } from './reconcile.js';

type Entry = { config: number; built: number };

function setup(current: Record<string, number>) {
  let builds = 0;
  const entries = new Map(Object.entries(current).map(([name, config]) => [name, { config, built: 0 }]));
  const discarded: Entry[] = [];
  const options = {
    unchanged: (entry: Entry, config: number) => entry.config === config,
    build: (_name: string, config: number, replaced: Entry | undefined): Entry => {
      if (config < 0) throw new Error(`bad config ${config}`);
      return { config, built: ++builds + (replaced ? 100 : 0) };
    },
    discard: (entry: Entry) => discarded.push(entry),
  };
  return { entries, options, discarded };
}

describe('reconcileByName', () => {
  it('keeps the entry of an unchanged name and builds added and changed ones, in the order of the configs', () => {
    const { entries, options } = setup({ a: 1, b: 2, c: 3 });
    const keptA = entries.get('a');
    const oldB = entries.get('b');
    const oldC = entries.get('c');
    const { change, replaced } = reconcileByName(
      entries,
      [
        ['d', 4],
        ['b', 20],
        ['a', 1],
      ],
      options,
    );
    expect(change).toEqual({ added: ['d'], changed: ['b'], removed: ['c'], kept: ['a'] });
    expect([...entries.keys()]).toEqual(['d', 'b', 'a']);
    expect(entries.get('a')).toBe(keptA);
    expect(entries.get('b')).toEqual({ config: 20, built: 102 });
    expect(replaced).toEqual([oldB, oldC]);
  });

  it('leaves the entries as they were and discards what it built when a build throws', () => {
    const { entries, options, discarded } = setup({ a: 1, b: 2 });
    const before = [...entries];
    expect(() =>
      reconcileByName(
        entries,
        [
          ['a', 10],
          ['b', -1],
        ],
        options,
      ),
    ).toThrow('bad config -1');
    expect([...entries]).toEqual(before);
    expect(discarded).toEqual([{ config: 10, built: 101 }]);
  });
});
