/**
 * The event simulator: users open sessions, move between pages and play songs. Sessions are
 * created in start-time order and kept in a heap keyed by their next event time, so events come
 * out globally sorted by ts while only the concurrently open sessions are held in memory.
 */
import { Catalog, Song } from './catalog';
import { MinHeap } from './heap';
import { fixed5Text, floatText, javaString } from './json-format';
import { Rng, Stream } from './prng';
import { UserProfile, Users } from './users';

export interface SimulatorOptions {
  seed: number;
  events: number;
  periodStartMs: number;
  periodEndMs: number;
  matchRate: number;
}

/** One event: its time and the JSON texts of its 18 fields in EVENT_KEYS order. */
export interface SimulatedEvent {
  ts: number;
  texts: string[];
}

const MEAN_SESSION_EVENTS = 36;
const MAX_SESSION_EVENTS = 300;
/** Sessions that start logged out (visitors); most of them log in after a page or two. */
const VISITOR_SESSION_SHARE = 0.15;
/** Unmatched NextSong events that name a catalogue song with a different length (near misses). */
const NEAR_MISS_SHARE = 0.08;

interface PageSpec {
  method: 'GET' | 'PUT';
  status: number;
}

const PAGES: Record<string, PageSpec> = {
  NextSong: { method: 'PUT', status: 200 },
  Home: { method: 'GET', status: 200 },
  Login: { method: 'PUT', status: 307 },
  Logout: { method: 'PUT', status: 307 },
  Settings: { method: 'GET', status: 200 },
  'Save Settings': { method: 'PUT', status: 307 },
  Upgrade: { method: 'GET', status: 200 },
  'Submit Upgrade': { method: 'PUT', status: 307 },
  Downgrade: { method: 'GET', status: 200 },
  'Submit Downgrade': { method: 'PUT', status: 307 },
  Error: { method: 'GET', status: 404 },
  Help: { method: 'GET', status: 200 },
  About: { method: 'GET', status: 200 },
  'Add to Playlist': { method: 'PUT', status: 200 },
  'Add Friend': { method: 'PUT', status: 307 },
  'Thumbs Up': { method: 'PUT', status: 307 },
  'Thumbs Down': { method: 'PUT', status: 307 },
  'Roll Advert': { method: 'GET', status: 200 },
};

/** Pre-rendered JSON texts of the constant strings, to keep the hot loop free of escaping. */
const PAGE_TEXT: Record<string, { page: string; method: string; status: string }> = Object.fromEntries(
  Object.entries(PAGES).map(([name, spec]) => [
    name,
    { page: javaString(name), method: javaString(spec.method), status: String(spec.status) },
  ]),
);

/** Pages besides NextSong for a logged-in user, with relative weights. */
const BROWSE_PAGES: ReadonlyArray<readonly [string, number]> = [
  ['Home', 22], ['Thumbs Up', 12], ['Add to Playlist', 6], ['Add Friend', 4], ['Roll Advert', 9],
  ['Settings', 3], ['Help', 3], ['About', 2], ['Error', 1], ['Thumbs Down', 3], ['Upgrade', 6],
  ['Downgrade', 5],
];
const BROWSE_TOTAL = BROWSE_PAGES.reduce((sum, [, weight]) => sum + weight, 0);
const LOGGED_OUT_PAGES = ['Home', 'Home', 'Home', 'About', 'Help', 'Error'];

interface Session {
  ts: number;
  sessionId: number;
  rng: Rng;
  /** -1 for a visitor who never logs in. */
  userIndex: number;
  profile: UserProfile | null;
  /** Rendered JSON texts of the profile fields, computed once per session. */
  profileTexts: ProfileTexts | null;
  loggedIn: boolean;
  /** itemInSession at which a visitor logs in, or -1. */
  loginAt: number;
  logoutAtEnd: boolean;
  item: number;
  remaining: number;
  /** A page the previous one leads to (Upgrade -> Submit Upgrade ...). */
  pending: string | null;
}

interface ProfileTexts {
  firstName: string;
  gender: string;
  lastName: string;
  location: string;
  registration: string;
  userAgent: string;
  userId: string;
}

export class Simulator {
  private readonly heap = new MinHeap<Session>();
  private readonly scheduler: Rng;
  private readonly usableMs: number;
  private readonly meanStartGapMs: number;
  private readonly popularityStride: number;
  private readonly popularityOffset: number;
  private readonly phantomCount: number;
  private allocated = 0;
  private nextSessionId = 1;
  private nextStartTs: number;
  private lastStartTs: number;

  constructor(
    private readonly options: SimulatorOptions,
    private readonly catalog: Catalog,
    readonly users: Users,
  ) {
    const periodMs = options.periodEndMs - options.periodStartMs;
    // Leave room at the end for sessions that start late to finish inside the period.
    this.usableMs = periodMs - Math.min(periodMs / 2, 6 * 3600000);
    const expectedSessions = Math.max(1, options.events / MEAN_SESSION_EVENTS);
    this.meanStartGapMs = this.usableMs / expectedSessions;
    this.scheduler = new Rng(options.seed, Stream.scheduler);
    this.popularityStride = coprimeStride(catalog.songCount, this.scheduler);
    this.popularityOffset = this.scheduler.int(catalog.songCount);
    this.phantomCount = Math.max(1000, catalog.songCount * 4);
    this.nextStartTs = options.periodStartMs + this.scheduler.int(Math.max(1, Math.floor(this.meanStartGapMs)));
    this.lastStartTs = this.nextStartTs;
  }

  /** The next event in ts order, or null after exactly `events` events. */
  next(): SimulatedEvent | null {
    while (this.allocated < this.options.events) {
      const top = this.heap.peek();
      if (top && top.ts < this.nextStartTs) break;
      this.openSession();
    }
    const session = this.heap.pop();
    if (!session) return null;
    const event = this.emit(session);
    if (session.remaining > 0) this.heap.push(session);
    else if (session.userIndex >= 0) this.users.active[session.userIndex] = 0;
    return event;
  }

  private openSession(): void {
    const sessionId = this.nextSessionId++;
    const rng = new Rng(this.options.seed, Stream.session, sessionId);
    const left = this.options.events - this.allocated;
    const userIndex = this.pickUser(rng);
    let length = Math.min(MAX_SESSION_EVENTS, 1 + Math.floor(rng.exponential(MEAN_SESSION_EVENTS)));
    let loginAt = -1;
    let loggedIn = true;
    let sessionUser = userIndex;
    if (rng.chance(VISITOR_SESSION_SHARE)) {
      loggedIn = false;
      if (rng.chance(0.7)) {
        loginAt = rng.range(1, 3);
        length += loginAt;
      } else {
        sessionUser = -1;
        length = rng.range(1, 4);
      }
    }
    length = Math.min(length, left);
    this.allocated += length;
    const profile = sessionUser >= 0 ? this.users.profile(sessionUser) : null;
    if (sessionUser >= 0) this.users.active[sessionUser] = 1;
    this.heap.push({
      ts: this.nextStartTs,
      sessionId,
      rng,
      userIndex: sessionUser,
      profile,
      profileTexts: profile ? renderProfile(profile) : null,
      loggedIn,
      loginAt,
      logoutAtEnd: loggedIn && length >= 4 && rng.chance(0.3),
      item: 0,
      remaining: length,
      pending: null,
    });
    // Start times follow the share of the event budget already handed out, so the events spread
    // over the whole period whatever the session lengths turned out to be.
    const base = this.options.periodStartMs + (this.allocated / this.options.events) * this.usableMs;
    const jittered = Math.floor(base + this.scheduler.float() * this.meanStartGapMs);
    this.lastStartTs = Math.max(this.lastStartTs, jittered);
    this.nextStartTs = this.lastStartTs;
  }

  /** A random user not already in a session (after a few tries, any user). */
  private pickUser(rng: Rng): number {
    let candidate = rng.int(this.users.count);
    for (let attempt = 0; attempt < 8 && this.users.active[candidate]; attempt++) {
      candidate = rng.int(this.users.count);
    }
    return candidate;
  }

  private choosePage(session: Session): string {
    const rng = session.rng;
    if (!session.loggedIn) {
      if (session.item === session.loginAt) return 'Login';
      return session.item === 0 ? 'Home' : rng.pick(LOGGED_OUT_PAGES);
    }
    if (session.pending) {
      const page = session.pending;
      session.pending = null;
      return page;
    }
    if (session.logoutAtEnd && session.remaining === 2) return 'Logout';
    if (session.item === 0 && rng.chance(0.5)) return 'Home';
    if (rng.chance(0.875)) return 'NextSong';
    let roll = rng.float() * BROWSE_TOTAL;
    let page = 'Home';
    for (const [name, weight] of BROWSE_PAGES) {
      roll -= weight;
      if (roll < 0) {
        page = name;
        break;
      }
    }
    const paid = this.users.paid[session.userIndex] === 1;
    if (page === 'Roll Advert' && paid) return 'Home';
    if (page === 'Upgrade' && paid) return 'Settings';
    if (page === 'Downgrade' && !paid) return 'Settings';
    if (page === 'Upgrade' && rng.chance(0.6)) session.pending = 'Submit Upgrade';
    if (page === 'Downgrade' && rng.chance(0.6)) session.pending = 'Submit Downgrade';
    if (page === 'Settings' && rng.chance(0.4)) session.pending = 'Save Settings';
    return page;
  }

  /** Renders the session's current event and advances the session. */
  private emit(session: Session): SimulatedEvent {
    const rng = session.rng;
    const page = this.choosePage(session);
    const item = session.item;
    const ts = session.ts;
    const loggedIn = session.loggedIn;
    const paid = session.userIndex >= 0 && this.users.paid[session.userIndex] === 1;
    const pageText = PAGE_TEXT[page];
    let artist = 'null';
    let song = 'null';
    let length = 'null';
    let gapMs: number;
    if (page === 'NextSong') {
      const played = this.pickPlayedSong(rng);
      artist = javaString(played.artistName);
      song = javaString(played.title);
      length = fixed5Text(played.durationE5);
      // The next event follows when the song ends, or earlier when the user skips it.
      const fullMs = Math.floor(played.durationE5 / 100);
      gapMs = rng.chance(0.15) ? 1 + rng.int(fullMs) : fullMs + rng.int(1500);
    } else {
      gapMs = rng.range(1000, 90000);
    }
    const profile = loggedIn ? session.profileTexts : null;
    const texts = [
      artist,
      loggedIn ? '"Logged In"' : '"Logged Out"',
      profile ? profile.firstName : 'null',
      profile ? profile.gender : 'null',
      String(item),
      profile ? profile.lastName : 'null',
      length,
      paid ? '"paid"' : '"free"',
      profile ? profile.location : 'null',
      pageText.method,
      pageText.page,
      profile ? profile.registration : 'null',
      String(session.sessionId),
      song,
      pageText.status,
      String(ts),
      profile ? profile.userAgent : 'null',
      profile ? profile.userId : '""',
    ];
    // State changes take effect after the event that causes them.
    if (page === 'Submit Upgrade') this.users.paid[session.userIndex] = 1;
    if (page === 'Submit Downgrade') this.users.paid[session.userIndex] = 0;
    if (page === 'Login') session.loggedIn = true;
    if (page === 'Logout') session.loggedIn = false;
    session.item++;
    session.remaining--;
    session.ts = Math.min(ts + gapMs, this.options.periodEndMs - 1);
    return { ts, texts };
  }

  private pickPlayedSong(rng: Rng): { artistName: string; title: string; durationE5: number } {
    if (rng.chance(this.options.matchRate)) return this.catalog.song(this.popularSong(rng));
    if (rng.chance(NEAR_MISS_SHARE)) {
      // Same title and artist as a catalogue song but another length: must not match.
      const original: Song = this.catalog.song(this.popularSong(rng));
      const delta = rng.chance(0.3) ? 1 : rng.range(1, 30) * 100000;
      return { artistName: original.artistName, title: original.title, durationE5: original.durationE5 + delta };
    }
    return this.catalog.phantom(zipfIndex(rng, this.phantomCount));
  }

  /** Zipf-like popularity, scattered over the catalogue so hits are not all early indexes. */
  private popularSong(rng: Rng): number {
    const rank = zipfIndex(rng, this.catalog.songCount);
    return (rank * this.popularityStride + this.popularityOffset) % this.catalog.songCount;
  }
}

function renderProfile(profile: UserProfile): ProfileTexts {
  return {
    firstName: javaString(profile.firstName),
    gender: javaString(profile.gender),
    lastName: javaString(profile.lastName),
    location: javaString(profile.location),
    registration: floatText(profile.registration),
    userAgent: javaString(profile.userAgent),
    userId: javaString(profile.userId),
  };
}

/** Rank in [0, n) with P(rank = k) roughly proportional to 1 / (k + 1). */
function zipfIndex(rng: Rng, n: number): number {
  const rank = Math.floor(Math.exp(rng.float() * Math.log(n + 1))) - 1;
  return Math.min(n - 1, Math.max(0, rank));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A stride coprime with n, so rank -> (rank * stride + offset) mod n is a permutation. */
function coprimeStride(n: number, rng: Rng): number {
  if (n <= 2) return 1;
  let stride = 1 + rng.int(n - 1);
  while (gcd(stride, n) !== 1) stride = (stride % (n - 1)) + 1;
  return stride;
}
