import type { Rule } from './types.js';
import type { ChangeWindow } from '../../config/types.js';
import { WEEKDAYS } from '../../config/types.js';
import { hitsPerActorDay, localTimesIn } from './support/grouping.js';
import { plural } from './support/text.js';

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Whether an instant falls inside the window, in the window's zone. `to` is exclusive; from > to wraps midnight. */
export function insideWindow(iso: string, window: ChangeWindow, zone: string): boolean {
  return windowTest(window, zone)(iso);
}

/** `insideWindow` for one window and zone, with the window read once. */
function windowTest(window: ChangeWindow, zone: string): (iso: string) => boolean {
  const from = minutes(window.hours.from);
  const to = minutes(window.hours.to);
  // A wrapping window's early-morning part belongs to the day it started on.
  const wraps = from > to;
  // By weekday (1 = Monday … 7 = Sunday): whether the window is open that day.
  const open = WEEKDAYS.map((day) => window.days.includes(day));
  const localTimeOf = localTimesIn(zone);
  return (iso) => {
    const local = localTimeOf(iso);
    const inHours = wraps ? local.minutes >= from || local.minutes < to : local.minutes >= from && local.minutes < to;
    if (!inHours) return false;
    const weekday = wraps && local.minutes < to ? ((local.weekday + 5) % 7) + 1 : local.weekday;
    return open[weekday - 1]!;
  };
}

/** Changes outside the configured change window (days and hours in the report's or the window's time zone). */
export const outsideChangeWindow: Rule<Record<string, never>> = {
  id: 'outside-change-window',
  title: 'IoT changes outside the change window',
  severity: 'low',
  description:
    'A successful IoT change was made outside `changeWindow` (days and hours, in `changeWindow.timeZone` or else the report\'s time zone). One finding per principal, account, region and local day.',
  remediation: 'Check that the change was an approved emergency change, or adjust `changeWindow` to your actual change policy.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const window = ctx.config.changeWindow;
    const zone = window.timeZone ?? ctx.period.timeZone;
    const inside = windowTest(window, zone);
    const events = ctx.events.filter((e) => e.isChange && !inside(e.eventTime));
    const span = `${window.days.join(',')} ${window.hours.from}–${window.hours.to} ${zone}`;
    return hitsPerActorDay(events, zone, (group, day, actions, who) => {
      return `${who} made ${plural(group.length, 'IoT change')} on ${day} outside the change window (${span}): ${actions}.`;
    });
  },
};
