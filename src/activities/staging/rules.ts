/**
 * The field rules of docs/data-rules.md, as data: for each input kind, its fields in COPY column
 * order with their JSON type and whether they are required.
 */
export type FieldType = 'string' | 'integer' | 'number';

export interface FieldRule {
  /** The JSON key. */
  name: string;
  type: FieldType;
  required: boolean;
}

export type ReasonKind = 'invalid-json' | 'not-object' | 'missing-field' | 'wrong-type' | 'empty-file' | 'too-long';

const rule = (name: string, type: FieldType, required: boolean): FieldRule => ({ name, type, required });

export const EVENT_FIELDS: readonly FieldRule[] = [
  rule('artist', 'string', false),
  rule('auth', 'string', true),
  rule('firstName', 'string', false),
  rule('gender', 'string', false),
  rule('itemInSession', 'integer', true),
  rule('lastName', 'string', false),
  rule('length', 'number', false),
  rule('level', 'string', true),
  rule('location', 'string', false),
  rule('method', 'string', true),
  rule('page', 'string', true),
  rule('registration', 'number', false),
  rule('sessionId', 'integer', true),
  rule('song', 'string', false),
  rule('status', 'integer', true),
  rule('ts', 'integer', true),
  rule('userAgent', 'string', false),
  rule('userId', 'string', true),
];

export const SONG_FIELDS: readonly FieldRule[] = [
  rule('num_songs', 'integer', true),
  rule('artist_id', 'string', true),
  rule('artist_latitude', 'number', false),
  rule('artist_longitude', 'number', false),
  rule('artist_location', 'string', false),
  rule('artist_name', 'string', true),
  rule('song_id', 'string', true),
  rule('title', 'string', true),
  rule('duration', 'number', true),
  rule('year', 'integer', true),
];
