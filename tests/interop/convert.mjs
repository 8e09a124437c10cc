// DuckDB values -> JSON text, in the conventions tuneset's Parquet reader
// follows (README.md, "JSON conventions"). Type-directed: the DuckDB column
// type decides the text (FLOAT vs DOUBLE, DECIMAL scale, struct field order),
// so nothing depends on how the node bindings happen to render a value.
import { DuckDBTypeId as T } from '@duckdb/node-api';

const pad = (n, w) => String(n).padStart(w, '0');

// Proleptic Gregorian date from days since 1970-01-01 (Howard Hinnant's
// civil_from_days), exact for negative days too.
export function civil(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

// The fraction in 3, 6 or 9 digits (at most the unit's), the shortest of
// those that loses nothing; empty when zero. ".500", ".123456", ".000000001".
function frac(rem, digits) {
  while (digits > 3 && rem % 1000n === 0n) { rem /= 1000n; digits -= 3; }
  return rem === 0n ? '' : '.' + pad(rem.toString(), digits);
}

function timeOfDay(secs) {
  const s = Number(secs);
  return `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
}

// ticks since the epoch at `per` ticks a second -> "YYYY-MM-DDTHH:MM:SS[.f]"
export function timestampText(ticks, per, digits, zone = '') {
  const day = 86400n * per;
  let d = ticks / day;
  let r = ticks % day;
  if (r < 0n) { r += day; d -= 1n; }
  return `${civil(Number(d))}T${timeOfDay(r / per)}${frac(r % per, digits)}${zone}`;
}

export function decimalText(v, scale) {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  }
  return (neg ? '-' : '') + s;
}

// Shortest text that reads back as the same float32.
export function float32Text(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

export function float64Text(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return String(x);
}

const str = (s) => JSON.stringify(s);
const stringKeys = (t) => t.keyType.typeId === T.VARCHAR || t.keyType.typeId === T.ENUM;

export function toJson(v, t) {
  if (v === null || v === undefined) return 'null';
  switch (t.typeId) {
    case T.BOOLEAN: return v ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT:
    case T.HUGEINT: case T.UHUGEINT:
      return String(v);
    case T.FLOAT: return float32Text(v);
    case T.DOUBLE: return float64Text(v);
    case T.DECIMAL: return decimalText(v.value, v.scale);
    case T.VARCHAR: case T.ENUM: return str(String(v));
    case T.BLOB: return str(Buffer.from(v.bytes).toString('base64'));
    case T.UUID: return str(v.toString());
    case T.DATE: return str(civil(v.days));
    case T.TIME: return str(timeOfDay(v.micros / 1000000n) + frac(v.micros % 1000000n, 6));
    case T.TIMESTAMP: return str(timestampText(v.micros, 1000000n, 6));
    // isAdjustedToUTC=true in the file: DuckDB reads it as TIMESTAMPTZ
    case T.TIMESTAMP_TZ: return str(timestampText(v.micros, 1000000n, 6, 'Z'));
    case T.TIMESTAMP_MS: return str(timestampText(v.millis, 1000n, 3));
    case T.TIMESTAMP_NS: return str(timestampText(v.nanos, 1000000000n, 9));
    case T.TIMESTAMP_S: return str(timestampText(v.seconds, 1n, 0));
    case T.LIST: case T.ARRAY:
      return '[' + v.items.map((x) => toJson(x, t.valueType)).join(',') + ']';
    case T.STRUCT:
      return '{' + t.entryNames.map((n, i) => str(n) + ':' + toJson(v.entries[n], t.entryTypes[i])).join(',') + '}';
    case T.MAP:
      if (stringKeys(t))
        return '{' + v.entries.map((e) => toJson(e.key, t.keyType) + ':' + toJson(e.value, t.valueType)).join(',') + '}';
      return '[' + v.entries.map((e) =>
        `{"key":${toJson(e.key, t.keyType)},"value":${toJson(e.value, t.valueType)}}`).join(',') + ']';
    default:
      throw new Error(`convert.mjs: no JSON convention for DuckDB type id ${t.typeId}`);
  }
}

// Paths (compare.py's notation: "a.b", "a[]", string-keyed map values "a.*") of the
// FLOAT and DOUBLE leaves under a column type, for number comparison.
export function floatPaths(name, t, out = {}) {
  switch (t.typeId) {
    case T.FLOAT: out[name] = 'float32'; break;
    case T.DOUBLE: out[name] = 'float64'; break;
    case T.LIST: case T.ARRAY: floatPaths(name + '[]', t.valueType, out); break;
    case T.STRUCT: t.entryNames.forEach((n, i) => floatPaths(name + '.' + n, t.entryTypes[i], out)); break;
    case T.MAP:
      if (stringKeys(t)) {
        floatPaths(name + '.*', t.valueType, out);
      } else {
        floatPaths(name + '[].key', t.keyType, out);
        floatPaths(name + '[].value', t.valueType, out);
      }
      break;
    default: break;
  }
  return out;
}

// Reads a Parquet file with DuckDB; returns {lines: [json text], kinds}.
export async function duckRead(conn, file) {
  const q = `SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`;
  const r = await conn.runAndReadAll(q);
  const names = r.columnNames();
  const types = r.columnTypes();
  const lines = r.getRows().map((row) =>
    '{' + row.map((v, i) => str(names[i]) + ':' + toJson(v, types[i])).join(',') + '}');
  const kinds = {};
  names.forEach((n, i) => floatPaths(n, types[i], kinds));
  return { lines, kinds };
}
