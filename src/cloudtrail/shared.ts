import { BoundedMemo, getOrInsert } from '../memo.js';
import type { Actor, CloudTrailRecord } from '../types.js';

// A month's events repeat a few event names, accounts, regions, user agents and principals,
// each read thousands of times into a string of its own. The analysis looks them up in maps
// again and again: with one copy of each value, a lookup compares pointers, not characters.
const sharedCopies = new BoundedMemo<string, string>(10_000);

const itself = (value: string) => value;

/** The shared copy of a string equal to `value`. */
export function share(value: string): string {
  return sharedCopies.get(value, itself);
}

const shareOrNull = (value: string | null) => (value === null ? null : share(value));

// A month's events come from a few callers (roles, their sessions, users), each making many
// calls: every event with the same caller shares one actor object, whose values are shared
// copies. An actor arrives from a parse worker as a copy of its own, built property by
// property, so its twelve fields spill out of the object into a second one: ~140 bytes an
// event before its strings (a heap snapshot at 100,000 events), ~115 made at once with all
// its fields, and one per caller, not per event.
// Bounded by the identities' length: a forged log of huge ARNs does not keep a second copy of each.
const sharedActors = new BoundedMemo<string, Actor>(2_000_000, (id) => id.length);

/**
 * Every field of `Actor`: two actors with the same values are one caller. Listed as the keys of
 * a record of every field, so a field added to `Actor` and left out here (which would make
 * callers that differ only in it one) is a type error.
 */
const ACTOR_FIELDS = Object.keys({
  type: true,
  arn: true,
  principalId: true,
  accountId: true,
  userName: true,
  sessionIssuerArn: true,
  sessionIssuerType: true,
  sessionName: true,
  mfaAuthenticated: true,
  invokedBy: true,
  accessKeyId: true,
  key: true,
  label: true,
} satisfies Record<keyof Actor, true>) as (keyof Actor)[];

/** Every field of the actor in one flat string (a joined array: no chain of partial strings for the memo to keep). */
function actorIdentity(a: Actor): string {
  return ACTOR_FIELDS.map((field) => a[field]).join('\u0000');
}

function sameActor(a: Actor, b: Actor): boolean {
  for (let i = 0; i < ACTOR_FIELDS.length; i++) if (a[ACTOR_FIELDS[i]!] !== b[ACTOR_FIELDS[i]!]) return false;
  return true;
}

/** A new actor object with all its fields at once (in the object itself), its values shared copies. */
function actorCopy(actor: Actor): Actor {
  const arn = shareOrNull(actor.arn);
  const sessionIssuerArn = shareOrNull(actor.sessionIssuerArn);
  const { key } = actor;
  return {
    type: shareOrNull(actor.type),
    arn,
    principalId: actor.principalId,
    accountId: shareOrNull(actor.accountId),
    userName: shareOrNull(actor.userName),
    sessionIssuerArn,
    sessionIssuerType: actor.sessionIssuerType,
    sessionName: actor.sessionName,
    mfaAuthenticated: actor.mfaAuthenticated,
    invokedBy: actor.invokedBy,
    accessKeyId: actor.accessKeyId,
    // The key is mostly one of the ARNs itself, whose shared copy is known by now.
    key: key === actor.sessionIssuerArn ? sessionIssuerArn! : key === actor.arn ? arn! : share(key),
    label: share(actor.label),
  };
}

/** The actors `sharedActor` gives: one of them is shared already. */
const sharedOnes = new WeakSet<Actor>();

/** The one actor object of every event with the same caller as `actor`. */
export function sharedActor(actor: Actor): Actor {
  if (sharedOnes.has(actor)) return actor;
  const shared = sharedActors.get(actorIdentity(actor), () => {
    const copy = actorCopy(actor);
    sharedOnes.add(copy);
    return copy;
  });
  // Values holding the joining character could give two callers one identity (only a forged log has them): checked, never merged.
  return sameActor(shared, actor) ? shared : actorCopy(actor);
}

/**
 * The shared actor of each actor object come from a parse worker: the records of one reply share
 * their caller's object (see `iotOnly` in collect/parse-log.ts), so its identity is worked out once per reply.
 */
const sharedFor = new WeakMap<Actor, Actor>();

/**
 * A record kept by the read, its repeated values made the shared copies in place: its actor and
 * the names, places and agents a month repeats. A record arrives from a parse worker with a copy
 * of its own of each; kept as they came, a month of 100,000 IoT records held ~60 MB more until
 * the build shared them (and an event delivered twice, whose copies come and go, more still).
 */
export function shareRecordValues(record: CloudTrailRecord): void {
  record.actor = getOrInsert(sharedFor, record.actor, () => sharedActor(record.actor));
  record.eventSource = shareOrNull(record.eventSource);
  record.eventName = shareOrNull(record.eventName);
  record.eventType = shareOrNull(record.eventType);
  record.awsRegion = shareOrNull(record.awsRegion);
  record.recipientAccountId = shareOrNull(record.recipientAccountId);
  record.userAgent = shareOrNull(record.userAgent);
  record.eventCategory = shareOrNull(record.eventCategory);
}
