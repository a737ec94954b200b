import { describe, expect, it } from 'vitest';
import { selectPath } from './json-path.js';

const status = {
  services: {
    'service-b': {
      circuit: { state: 'open' },
      endpoints: [
        { id: 'a1', ejected: false },
        { id: 'b2', ejected: true },
      ],
    },
  },
};

describe('selectPath', () => {
  it('follows keys with dashes, indexes and [key=value] filters', () => {
    expect(selectPath(status, 'services.service-b.circuit.state')).toBe('open');
    expect(selectPath(status, 'services.service-b.endpoints[1].id')).toBe('b2');
    expect(selectPath(status, 'services.service-b.endpoints[id=b2].ejected')).toBe(true);
  });

  it('counts arrays and objects with length', () => {
    expect(selectPath(status, 'services.service-b.endpoints.length')).toBe(2);
    expect(selectPath(status, 'services.length')).toBe(1);
  });

  it('is undefined for anything that is not there', () => {
    expect(selectPath(status, 'services.service-c.circuit')).toBeUndefined();
    expect(selectPath(status, 'services.service-b.endpoints[id=zz].ejected')).toBeUndefined();
    expect(selectPath(status, 'services.service-b.circuit[0]')).toBeUndefined();
  });
});
