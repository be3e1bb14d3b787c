/**
 * JSON text exactly as the real Sparkify files write it. Song files come from Python's
 * json.dumps (", " and ": " separators, non-ASCII as \uXXXX, floats always with a fraction);
 * event logs come from a Java writer (compact, "/" escaped as "\/", non-ASCII written raw).
 */

/** The keys of a song file, in the order the real files write them. */
export const SONG_KEYS = [
  'num_songs', 'artist_id', 'artist_latitude', 'artist_longitude', 'artist_location',
  'artist_name', 'song_id', 'title', 'duration', 'year',
] as const;

/** The keys of an event line, in the order the real logs write them. */
export const EVENT_KEYS = [
  'artist', 'auth', 'firstName', 'gender', 'itemInSession', 'lastName', 'length', 'level',
  'location', 'method', 'page', 'registration', 'sessionId', 'song', 'status', 'ts', 'userAgent',
  'userId',
] as const;

function escapeControl(code: number): string {
  switch (code) {
    case 0x08: return '\\b';
    case 0x09: return '\\t';
    case 0x0a: return '\\n';
    case 0x0c: return '\\f';
    case 0x0d: return '\\r';
    default: return '\\u' + code.toString(16).padStart(4, '0');
  }
}

/** A JSON string literal in Python's ensure_ascii style: every code unit above 0x7e as \uXXXX. */
export function pythonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code < 0x20) out += escapeControl(code);
    else if (code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += value[i];
  }
  return out + '"';
}

/** A JSON string literal as the Java log writer emits it: "/" escaped, non-ASCII raw. */
export function javaString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code === 0x2f) out += '\\/';
    else if (code < 0x20) out += escapeControl(code);
    else out += value[i];
  }
  return out + '"';
}

/** A float as both writers print it: shortest round-trip digits, and ".0" when integral. */
export function floatText(value: number): string {
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

/** A fixed-point value held as an integer count of 1e-5 units (e.g. 24944281 -> "249.44281"). */
export function fixed5Text(unitsE5: number): string {
  return floatText(unitsE5 / 100000);
}

/** Song file text: one object, Python separators, no trailing newline (as in the real files). */
export function songObjectText(texts: ReadonlyArray<readonly [string, string]>): string {
  return '{' + texts.map(([key, value]) => `"${key}": ${value}`).join(', ') + '}';
}

/** One event line without its newline: compact separators. */
export function eventObjectText(texts: ReadonlyArray<readonly [string, string]>): string {
  return '{' + texts.map(([key, value]) => `"${key}":${value}`).join(',') + '}';
}
