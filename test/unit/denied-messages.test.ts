/**
 * A group of failed or denied attempts keeps its first attempt's message (2026-11-26 review): the
 * table showed it as if it were every attempt's (qa-bot's 5 DeleteThing attempts of the fixtures,
 * on 5 things, showed "...thing/qa-thing-0" alone). The view now says whose message it is and how
 * many different ones the attempts had, and where each attempt's is.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { deniedGroups } from '../../src/analysis/actors.js';
import { htmlText } from '../../src/render/html.js';
import { buildView } from '../../src/render/view.js';
import type { IotEvent } from '../../src/report/model.js';
import { actors, iotEvent, reportModel } from '../helpers/events.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const denied = (thing: string) => `User: qa-bot is not authorized to perform: iot:DeleteThing on resource: thing/${thing}`;

function modelOf(events: IotEvent[]) {
  return reportModel({ events, denied: deniedGroups(events) });
}

function rows(events: IotEvent[], media: 'screen' | 'pdf' = 'screen') {
  const view = buildView(modelOf(events), { media, paper: 'a4', dataFiles: DATA_FILES });
  return view.denied.table.chunks.flatMap((c) => c.rows);
}

const attempt = (errorMessage: string | null, minute: number, eventName = 'DeleteThing') =>
  iotEvent({ eventName, actor: actors.role('qa-bot', 'nightly-tests'), errorCode: 'AccessDeniedException', errorMessage, eventTime: `2026-10-27T01:${String(minute).padStart(2, '0')}:00Z` });

describe('the message of a group of failed attempts', () => {
  it('says it is the first of several attempts, and how many different messages they had', () => {
    const [row] = rows([0, 1, 2, 3, 4].map((i) => attempt(denied(`qa-thing-${i}`), i)));
    expect(row?.count).toBe('5');
    expect(row?.messageOf).toBe('First of 5 attempts (5 different messages, all in iot-audit-2026-10.csv / .json):');
    expect(row?.errorMessage).toBe(denied('qa-thing-0'));
  });

  it('says when every attempt had the same message, and says nothing of a single attempt', () => {
    const [same, single] = rows([attempt(denied('a'), 0), attempt(denied('a'), 1), attempt(denied('a'), 2), attempt('one', 3, 'CreateThing')]);
    expect([same?.count, same?.messageOf]).toEqual(['3', 'Same message for all 3 attempts:']);
    expect([single?.count, single?.messageOf, single?.errorMessage]).toEqual(['1', null, 'one']);
  });

  it('counts an attempt without a message as a different one, and says when the first had none', () => {
    const [row] = rows([attempt(null, 0), attempt(denied('a'), 1), attempt(denied('a'), 2), attempt(null, 3)], 'pdf');
    expect(row?.messageOf).toBe('First of 4 attempts: no message (2 different messages, all in iot-audit-2026-10.csv / .json)');
    expect(row?.errorMessage).toBeNull();
    const [none] = rows([attempt(null, 0), attempt(null, 1)]);
    expect([none?.messageOf, none?.errorMessage]).toEqual([null, null]);
  });

  it('shows the label above the message in the HTML and the PDF view', async () => {
    const events = [0, 1, 2].map((i) => attempt(denied(`qa-thing-${i}`), i));
    for (const media of ['screen', 'pdf'] as const) {
      const root = parse(await htmlText(modelOf(events), { media, paper: 'a4', dataFiles: DATA_FILES }));
      const cell = root.querySelectorAll('#denied tbody tr')[0]?.querySelectorAll('td')[3];
      expect(cell?.querySelectorAll('div').map((d) => d.text), media).toEqual([
        'First of 3 attempts (3 different messages, all in iot-audit-2026-10.csv / .json):',
        denied('qa-thing-0'),
      ]);
    }
  });
});
