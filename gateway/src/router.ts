export interface Route {
  service: string;
  /** '/catalog': matches '/catalog' and '/catalog/…', not '/catalogue'. */
  prefix: string;
  stripPrefix: boolean;
}

export interface RouteMatch {
  route: Route;
  /** The path (and query) sent upstream. */
  upstreamPath: string;
}

/** Longest path-prefix match on segment boundaries; strips the prefix or keeps it per route. */
export class Router {
  readonly #routes: Route[];

  constructor(routes: Iterable<Route>) {
    this.#routes = [...routes]
      .map((r) => ({ ...r, prefix: r.prefix.replace(/\/+$/, '') || '/' }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  get prefixes(): string[] {
    return this.#routes.map((r) => r.prefix).sort();
  }

  /** path must be normalised (see safeRequestPath); query is '' or '?…'. */
  match(path: string, query = ''): RouteMatch | undefined {
    for (const route of this.#routes) {
      const { prefix } = route;
      const matches =
        prefix === '/' ||
        (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47));
      if (!matches) continue;
      if (!route.stripPrefix || prefix === '/') return { route, upstreamPath: path + query };
      const rest = path.slice(prefix.length);
      return { route, upstreamPath: (rest === '' ? '/' : rest) + query };
    }
    return undefined;
  }
}
