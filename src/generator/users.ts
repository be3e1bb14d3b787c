/** Sparkify users: profiles derived from (seed, user id) on demand, plus one byte of state each. */
import { Rng, Stream } from './prng';
import { USER_AGENTS, USER_FIRST, USER_LAST, USER_LOCATIONS } from './vocab';

export interface UserProfile {
  userId: string;
  firstName: string;
  lastName: string;
  gender: 'M' | 'F';
  location: string;
  userAgent: string;
  /** Epoch milliseconds of sign-up, before the period starts. */
  registration: number;
}

/** Users beyond this count would only grow state; larger datasets just get busier users. */
const MAX_USERS = 50000;
/** The real logs have about 85 events per user over a month. */
const EVENTS_PER_USER = 80;

export class Users {
  readonly count: number;
  /** 1 = paid, 0 = free; changes on Submit Upgrade / Submit Downgrade. */
  readonly paid: Uint8Array;
  /** 1 while the user is in a session, so a user rarely runs two sessions at once. */
  readonly active: Uint8Array;
  private readonly seed: number;
  private readonly periodStartMs: number;

  constructor(seed: number, events: number, periodStartMs: number) {
    this.seed = seed;
    this.periodStartMs = periodStartMs;
    this.count = Math.min(MAX_USERS, Math.max(5, Math.ceil(events / EVENTS_PER_USER)));
    this.paid = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) {
      this.paid[i] = new Rng(seed, Stream.level, i).chance(0.25) ? 1 : 0;
    }
  }

  profile(index: number): UserProfile {
    const rng = new Rng(this.seed, Stream.user, index);
    const gender = rng.chance(0.52) ? 'F' : 'M';
    // Registration 1 to 120 days before the period, at a millisecond-precise instant.
    const registration = this.periodStartMs - rng.range(86400000, 120 * 86400000);
    return {
      // The real user ids are small integers written as strings.
      userId: String(index + 2),
      firstName: rng.pick(USER_FIRST),
      lastName: rng.pick(USER_LAST),
      gender,
      location: rng.pick(USER_LOCATIONS),
      userAgent: rng.pick(USER_AGENTS),
      registration,
    };
  }
}
