/**
 * @module
 * The JSON-path match of HTTP health checks: "the body is JSON and `$.status.indicator` is
 * `"none"`". Only the subset health endpoints need is supported — a root `$`, member access
 * (`.name`, `['name']`, `["name"]`) and array indices (`[0]`) — because a probe must judge a
 * path the same way everywhere and reject anything ambiguous when the config is loaded.
 * Filters, wildcards and recursive descent (full JSONPath, RFC 9535) select several values,
 * which a yes/no health verdict has no use for; we refuse them with a clear error instead.
 */

/** One step of a path: a member name or an array index. */
export type JsonPathSegment = string | number;

/** What an HTTP probe's JSON body must satisfy. */
export interface JsonMatch {
  /** A path such as `$.status.indicator` or `$.checks[0]['ok']`. */
  readonly path: string;
  /**
   * The value the path must hold (compared with `===`, so `1` and `"1"` differ). When absent,
   * the value must exist and be neither `false` nor `null`.
   */
  readonly equals?: string | number | boolean | null;
}

/** Parses a path; throws a RangeError naming the position of the first mistake. */
export function parseJsonPath(path: string): readonly JsonPathSegment[] {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new RangeError(`JSON path must start with '$', got ${JSON.stringify(path)}`);
  }
  const out: JsonPathSegment[] = [];
  let i = 1;
  const fail = (what: string): never => {
    throw new RangeError(`JSON path ${JSON.stringify(path)}: ${what} at position ${i}`);
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (m === null) fail("expected a member name after '.'");
      out.push(m![0]);
      i += 1 + m![0].length;
    } else if (c === '[') {
      const rest = path.slice(i + 1);
      const index = /^(\d+)\]/.exec(rest);
      const quoted = /^(['"])((?:(?!\1)[^\\]|\\.)*)\1\]/.exec(rest);
      if (index !== null) {
        out.push(Number(index[1]));
        i += 1 + index[0].length;
      } else if (quoted !== null) {
        out.push(quoted[2]!.replace(/\\(.)/g, '$1'));
        i += 1 + quoted[0].length;
      } else {
        fail("expected [N] or ['name'] (filters and wildcards are not supported)");
      }
    } else {
      fail(`unexpected ${JSON.stringify(c)}`);
    }
  }
  return out;
}

/** The value at `segments` in `doc`, or `undefined` when the path does not exist. */
export function valueAtJsonPath(doc: unknown, segments: readonly JsonPathSegment[]): unknown {
  let v: unknown = doc;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(v) || s >= v.length) return undefined;
      v = v[s];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, s)) {
        return undefined;
      }
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}

/**
 * Judges a response body: `undefined` when it satisfies `match`, otherwise the reason it
 * does not (for the probe's error message).
 */
export function jsonMismatch(body: string, match: JsonMatch): string | undefined {
  const segments = parseJsonPath(match.path);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const value = valueAtJsonPath(doc, segments);
  if (value === undefined) return `${match.path} is missing`;
  if ('equals' in match) {
    return value === match.equals
      ? undefined
      : `${match.path} is ${JSON.stringify(value)}, expected ${JSON.stringify(match.equals)}`;
  }
  return value === false || value === null ? `${match.path} is ${String(value)}` : undefined;
}
