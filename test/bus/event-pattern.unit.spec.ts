import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
  validateEventPattern,
} from '../../local/bus/index.js';

// Events from AWS's EventBridge user guide ("Amazon EventBridge event patterns", "Content filtering",
// "Arrays", "Null values and empty strings") and the Event Ruler README that documents the engine.
const ec2Terminated = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoscaling = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macie = {
  version: '0',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

// The Event Ruler README's running example.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...rulerEvent, detail });

type Row = readonly [name: string, pattern: unknown, event: unknown, expected: boolean];

const rows: readonly Row[] = [
  // --- exact match, AND across fields, OR within a list -------------------------------------------------
  [
    'EC2 termination pattern',
    {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    ec2Terminated,
    true,
  ],
  [
    'EC2 termination pattern, other state',
    { source: ['aws.ec2'], detail: { state: ['terminated'] } },
    withDetail({ state: 'running' }),
    false,
  ],
  ['source is either of two values', { source: ['aws.ec2', 'aws.fargate'] }, ec2Terminated, true],
  ['source is neither value', { source: ['aws.s3', 'aws.fargate'] }, ec2Terminated, false],
  ['one failing field fails the AND', { source: ['aws.ec2'], region: ['eu-west-1'] }, ec2Terminated, false],
  ['fields not in the pattern are ignored', { region: ['us-west-1'] }, ec2Terminated, true],
  ['strings are case-sensitive', { source: ['AWS.EC2'] }, ec2Terminated, false],
  ['field missing from the event', { detail: { absent: ['x'] } }, ec2Terminated, false],
  ['nested field missing its parent', { nothing: { here: ['x'] } }, ec2Terminated, false],
  [
    'Macie risk score and nested trigger risk',
    {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    macie,
    true,
  ],
  ['Macie nested field wrong', { detail: { trigger: { risk: [9] } } }, macie, false],
  ['number does not match its string form', { detail: { 'risk-score': ['80'] } }, macie, false],
  ['string does not match a number', { detail: { 'instance-id': [5] } }, ec2Terminated, false],
  ['boolean true', { detail: { ok: [true] } }, withDetail({ ok: true }), true],
  ['boolean is not the string "true"', { detail: { ok: ['true'] } }, withDetail({ ok: true }), false],
  ['false is not null', { detail: { ok: [null] } }, withDetail({ ok: false }), false],
  // --- null and empty strings --------------------------------------------------------------------------
  ['empty string matches [""]', { detail: { eventVersion: [''] } }, autoscaling, true],
  ['null matches [null]', { detail: { responseElements: [null] } }, autoscaling, true],
  ['null does not match [""]', { detail: { responseElements: [''] } }, autoscaling, false],
  ['empty string does not match [null]', { detail: { eventVersion: [null] } }, autoscaling, false],
  ['[null] does not match a missing field', { detail: { missing: [null] } }, autoscaling, false],
  [
    'autoscaling launch with null responseElements',
    {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    autoscaling,
    true,
  ],
  // --- arrays --------------------------------------------------------------------------------------------
  [
    'resources: intersection of pattern and event arrays is non-empty',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  ['resources: empty intersection', { resources: ['arn:x'] }, ec2Terminated, false],
  ['empty event array matches no value', { resources: ['arn:x'] }, autoscaling, false],
  ['event array: any element', { detail: { tags: ['Insider'] } }, macie, true],
  ['event array: no element', { detail: { tags: ['Outsider'] } }, macie, false],
  ['nested arrays are flattened', { detail: { v: [3] } }, withDetail({ v: [[1, 2], [3]] }), true],
  [
    'array of objects: field inside an element',
    { employees: { firstName: ['Anna'] } },
    {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    },
    true,
  ],
  [
    'array of objects: fields must match within one element',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    {
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    },
    false,
  ],
  [
    'array of arrays of objects',
    { employees: { firstName: ['Peter'] } },
    { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] },
    true,
  ],
  // --- prefix / suffix / equals-ignore-case / wildcard ----------------------------------------------------
  ['prefix on time', { time: [{ prefix: '2017-12-22' }] }, ec2Terminated, true],
  ['prefix does not match', { time: [{ prefix: '2017-10-02' }] }, ec2Terminated, false],
  ['prefix is case-sensitive', { source: [{ prefix: 'AWS.' }] }, ec2Terminated, false],
  [
    'prefix with equals-ignore-case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'eventbridge' }),
    true,
  ],
  [
    'prefix with equals-ignore-case, other prefix',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    withDetail({ service: 'Lambda' }),
    false,
  ],
  ['prefix only works on strings', { detail: { 'c-count': [{ prefix: '5' }] } }, rulerEvent, false],
  ['suffix .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
  ['suffix .png on .PNG', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
  [
    'suffix with equals-ignore-case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    withDetail({ FileName: 'IMAGE.PNG' }),
    true,
  ],
  ['suffix source ec2', { source: [{ suffix: 'ec2' }] }, ec2Terminated, true],
  ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2Terminated, true],
  ['equals-ignore-case other value', { source: [{ 'equals-ignore-case': 'aws.s3' }] }, ec2Terminated, false],
  ['equals-ignore-case is not a prefix', { source: [{ 'equals-ignore-case': 'AWS' }] }, ec2Terminated, false],
  [
    'wildcard Simple*Service',
    { source: [{ wildcard: 'Simple*Service' }] },
    { source: 'SimpleStorageService' },
    true,
  ],
  [
    'wildcard matches an empty run',
    { source: [{ wildcard: 'Simple*Service' }] },
    { source: 'SimpleService' },
    true,
  ],
  [
    'wildcard must match the whole value',
    { source: [{ wildcard: 'Simple*' }] },
    { source: 'NotSimple' },
    false,
  ],
  [
    'wildcard file path',
    { detail: { FilePath: [{ wildcard: 'dir/*/*.png' }] } },
    withDetail({ FilePath: 'dir/a/b.png' }),
    true,
  ],
  ['escaped wildcard is a literal *', { v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' }, true],
  ['escaped wildcard does not match a run', { v: [{ wildcard: 'a\\*b' }] }, { v: 'axxb' }, false],
  ['wildcard regex characters are literal', { v: [{ wildcard: 'a.c*' }] }, { v: 'abcd' }, false],
  // --- anything-but -------------------------------------------------------------------------------------
  [
    'anything-but string, other value',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    rulerEvent,
    true,
  ],
  [
    'anything-but string, same value',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  ['anything-but number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, rulerEvent, true],
  ['anything-but number, same', { detail: { 'x-limit': [{ 'anything-but': 301.8 }] } }, rulerEvent, false],
  [
    'anything-but string list',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    rulerEvent,
    true,
  ],
  [
    'anything-but string list, excluded value',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    withDetail({ state: 'stopped' }),
    false,
  ],
  [
    'anything-but number list',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    rulerEvent,
    true,
  ],
  [
    'anything-but number list, excluded value',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ 'x-limit': 200 }),
    false,
  ],
  [
    'anything-but does not match a missing field',
    { detail: { absent: [{ 'anything-but': 'x' }] } },
    rulerEvent,
    false,
  ],
  [
    'anything-but with an event array: matches when some element is not excluded',
    { detail: { state: [{ 'anything-but': ['stopped'] }] } },
    withDetail({ state: ['stopped', 'running'] }),
    true,
  ],
  [
    'anything-but with an event array: every element excluded',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    withDetail({ state: ['stopped', 'overloaded'] }),
    false,
  ],
  [
    'anything-but with an empty event array',
    { detail: { state: [{ 'anything-but': 'x' }] } },
    withDetail({ state: [] }),
    false,
  ],
  [
    'anything-but string vs a number value',
    { detail: { 'c-count': [{ 'anything-but': '5' }] } },
    rulerEvent,
    true,
  ],
  ['anything-but matches null', { detail: { v: [{ 'anything-but': 'x' }] } }, withDetail({ v: null }), true],
  [
    'anything-but prefix, other prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    rulerEvent,
    true,
  ],
  [
    'anything-but prefix, same prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  [
    'anything-but prefix us- (region not in the US)',
    { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    { Region: 'eu-west-1' },
    true,
  ],
  [
    'anything-but prefix us-, US region',
    { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    { Region: 'us-east-1' },
    false,
  ],
  [
    'anything-but suffix .png',
    { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    { FileName: 'notes.txt' },
    true,
  ],
  [
    'anything-but suffix .png, a png',
    { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    { FileName: 'a.png' },
    false,
  ],
  [
    'anything-but equals-ignore-case',
    { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    { state: 'INITIALIZING' },
    false,
  ],
  [
    'anything-but equals-ignore-case list',
    { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] },
    { state: 'running' },
    true,
  ],
  [
    'anything-but wildcard */lib/*',
    { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    { FilePath: '/usr/lib/x' },
    false,
  ],
  [
    'anything-but wildcard */lib/*, other path',
    { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    { FilePath: '/usr/bin/x' },
    true,
  ],
  // --- numeric ------------------------------------------------------------------------------------------
  [
    'numeric: all three ranges hold (Ruler example)',
    {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    rulerEvent,
    true,
  ],
  [
    'numeric upper bound inclusive',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    rulerEvent,
    true,
  ],
  [
    'numeric upper bound exclusive',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } },
    rulerEvent,
    false,
  ],
  ['numeric lower bound exclusive', { detail: { v: [{ numeric: ['>', 0] }] } }, withDetail({ v: 0 }), false],
  ['numeric lower bound inclusive', { detail: { v: [{ numeric: ['>=', 0] }] } }, withDetail({ v: 0 }), true],
  [
    'numeric = with exponent',
    { detail: { v: [{ numeric: ['=', 3.018e2] }] } },
    withDetail({ v: 301.8 }),
    true,
  ],
  ['numeric = other number', { detail: { v: [{ numeric: ['=', 300] }] } }, withDetail({ v: 301.8 }), false],
  ['numeric negative', { detail: { v: [{ numeric: ['<', -1] }] } }, withDetail({ v: -1.5 }), true],
  [
    'numeric does not match a numeric string',
    { detail: { v: [{ numeric: ['>', 0] }] } },
    withDetail({ v: '5' }),
    false,
  ],
  ['numeric does not match null', { detail: { v: [{ numeric: ['>', 0] }] } }, withDetail({ v: null }), false],
  [
    'numeric does not match a boolean',
    { detail: { v: [{ numeric: ['>', 0] }] } },
    withDetail({ v: true }),
    false,
  ],
  [
    'numeric on an array: some element in range',
    { detail: { v: [{ numeric: ['>', 10] }] } },
    withDetail({ v: [1, 20] }),
    true,
  ],
  ['numeric missing field', { detail: { absent: [{ numeric: ['>', 0] }] } }, rulerEvent, false],
  // --- cidr ---------------------------------------------------------------------------------------------
  [
    'cidr 10.0.0.0/24 contains 10.0.0.33',
    { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    rulerEvent,
    true,
  ],
  ['cidr 10.0.0.0/8', { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } }, rulerEvent, true],
  ['cidr outside the block', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, rulerEvent, false],
  ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' }, true],
  ['cidr IPv6 outside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
  ['cidr on a non-address string', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'not-an-ip' }, false],
  // --- exists -------------------------------------------------------------------------------------------
  ['exists true, present', { detail: { 'c-count': [{ exists: true }] } }, rulerEvent, true],
  ['exists true, absent', { detail: { absent: [{ exists: true }] } }, rulerEvent, false],
  [
    'exists false on a missing field (user guide example)',
    { detail: { 'c-count': [{ exists: false }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'] },
    },
    true,
  ],
  [
    'exists false on an object field: not a leaf (user guide example)',
    { detail: { 'c-count': [{ exists: false }] } },
    { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
    true,
  ],
  [
    'exists true on an object field: not a leaf',
    { detail: { 'c-count': [{ exists: true }] } },
    { detail: { 'c-count': { c1: 1 } } },
    false,
  ],
  ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, rulerEvent, false],
  ['exists false when the parent is missing', { nothing: { here: [{ exists: false }] } }, rulerEvent, true],
  [
    'exists true on null: null is a value',
    { detail: { responseElements: [{ exists: true }] } },
    autoscaling,
    true,
  ],
  ['exists false on null', { detail: { responseElements: [{ exists: false }] } }, autoscaling, false],
  ['exists true on an empty string', { detail: { eventVersion: [{ exists: true }] } }, autoscaling, true],
  ['exists true on an empty array: no values', { resources: [{ exists: true }] }, autoscaling, false],
  ['exists false on an empty array', { resources: [{ exists: false }] }, autoscaling, true],
  ['exists true on a non-empty array', { resources: [{ exists: true }] }, ec2Terminated, true],
  ['missing or a given value', { detail: { v: ['a', { exists: false }] } }, withDetail({}), true],
  [
    'missing or a given value, other value',
    { detail: { v: ['a', { exists: false }] } },
    withDetail({ v: 'b' }),
    false,
  ],
  // --- $or ----------------------------------------------------------------------------------------------
  [
    '$or: source && (metricName || namespace), first alternative',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    { source: 'aws.cloudwatch', metricName: 'CPUUtilization' },
    true,
  ],
  [
    '$or: second alternative',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    true,
  ],
  [
    '$or: no alternative',
    {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    { source: 'aws.cloudwatch', metricName: 'DiskIO', namespace: 'AWS/RDS' },
    false,
  ],
  [
    '$or: alternative holds but the AND field fails',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    { source: 'aws.ec2', metricName: 'CPUUtilization' },
    false,
  ],
  [
    '$or: an alternative with an AND inside',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/RDS' },
    false,
  ],
  [
    '$or nested in $or',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
    true,
  ],
  [
    'parallel $or groups at two levels',
    {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { namespace: 'AWS/EC2', detail: { source: 'other', 'detail-type': 'CloudWatch Alarm State Change' } },
    true,
  ],
  [
    'parallel $or groups: second group fails',
    {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { namespace: 'AWS/EC2', detail: { source: 'other' } },
    false,
  ],
  [
    '"$or" holding an object is an ordinary field name',
    { $or: { metricType: ['MetricType'] } },
    { $or: { metricType: 'MetricType' } },
    true,
  ],
  // --- the complex example -----------------------------------------------------------------------------
  [
    'complex example (user guide) against the Ruler event',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    rulerEvent,
    true,
  ],
  [
    'complex example, one field out of range',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: { state: [{ 'anything-but': 'initializing' }], 'd-count': [{ numeric: ['<', 3] }] },
    },
    rulerEvent,
    false,
  ],
  [
    'mixed operators in one list are OR',
    { source: [{ prefix: 'aws.s' }, 'aws.ec2', { suffix: 'bus' }] },
    ec2Terminated,
    true,
  ],
];

describe('Function: matchesEventPattern (AWS documented examples)', () => {
  it.each(rows)('%s', (_name, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('evaluates the JSON text form the same way', () => {
    const compiled = parseEventPattern(JSON.stringify({ detail: { state: ['terminated'] } }));
    expect(compiled.matches(ec2Terminated)).toBe(true);
    expect(compiled.matches(withDetail({ state: 'running' }))).toBe(false);
  });
});

const invalid: readonly (readonly [name: string, pattern: unknown, path: string])[] = [
  ['pattern is not an object', ['source'], ''],
  ['pattern is null', null, ''],
  ['bare string instead of a list', { source: 'aws.ec2' }, 'source'],
  ['bare number in a nested field', { detail: { count: 5 } }, 'detail.count'],
  ['nested array in a match list', { source: [['aws.ec2']] }, 'source[0]'],
  ['unknown operator', { source: [{ contains: 'ec2' }] }, 'source[0]'],
  ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]'],
  ['empty operator object', { source: [{}] }, 'source[0]'],
  ['prefix with a number', { source: [{ prefix: 5 }] }, 'source[0].prefix'],
  ['prefix with an unknown nested operator', { source: [{ prefix: { wildcard: 'a' } }] }, 'source[0].prefix'],
  ['suffix with a list', { source: [{ suffix: ['a'] }] }, 'source[0].suffix'],
  [
    'equals-ignore-case with a number',
    { source: [{ 'equals-ignore-case': 1 }] },
    'source[0].equals-ignore-case',
  ],
  ['numeric with one element', { detail: { n: [{ numeric: ['>'] }] } }, 'detail.n[0].numeric'],
  ['numeric with an unknown operator', { detail: { n: [{ numeric: ['!=', 1] }] } }, 'detail.n[0].numeric[0]'],
  ['numeric with a string bound', { detail: { n: [{ numeric: ['>', '1'] }] } }, 'detail.n[0].numeric[1]'],
  [
    'numeric range upper bound first',
    { detail: { n: [{ numeric: ['<', 5, '>', 1] }] } },
    'detail.n[0].numeric',
  ],
  [
    'numeric range with bounds crossed',
    { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } },
    'detail.n[0].numeric',
  ],
  ['numeric = in a range', { detail: { n: [{ numeric: ['=', 5, '<', 10] }] } }, 'detail.n[0].numeric'],
  ['numeric out of range', { detail: { n: [{ numeric: ['>', 1e10] }] } }, 'detail.n[0].numeric[1]'],
  ['exists with a string', { detail: { n: [{ exists: 'true' }] } }, 'detail.n[0].exists'],
  ['anything-but mixed list', { s: [{ 'anything-but': ['a', 1] }] }, 's[0].anything-but'],
  ['anything-but empty list', { s: [{ 'anything-but': [] }] }, 's[0].anything-but'],
  ['anything-but boolean', { s: [{ 'anything-but': true }] }, 's[0].anything-but'],
  [
    'anything-but unknown nested operator',
    { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
    's[0].anything-but',
  ],
  ['anything-but empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, 's[0].anything-but.prefix'],
  ['wildcard with consecutive stars', { s: [{ wildcard: 'a**b' }] }, 's[0].wildcard'],
  // Ruler's JsonRuleCompiler: "Empty arrays are not allowed", "Empty objects are not allowed".
  ['an empty match array', { resources: [] }, 'resources'],
  ['an empty match array on a nested field', { detail: { absent: [] } }, 'detail.absent'],
  ['an empty pattern', {}, ''],
  ['an empty nested pattern', { detail: {} }, 'detail'],
  ['wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, 's[0].wildcard'],
  ['cidr that is not an address', { ip: [{ cidr: 'ten.0.0.0/8' }] }, 'ip[0].cidr'],
  ['cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'ip[0].cidr'],
  ['$or with one alternative', { $or: [{ a: ['x'] }] }, '$or'],
  ['$or with a non-object', { $or: [{ a: ['x'] }, ['b']] }, '$or'],
  ['bad field inside $or', { $or: [{ a: ['x'] }, { b: 'y' }] }, '$or[1].b'],
];

describe('Function: validateEventPattern', () => {
  it.each(invalid)('rejects %s, naming the path', (_name, pattern, path) => {
    const validate = () => validateEventPattern(pattern);
    expect(validate).toThrow(InvalidEventPatternError);
    expect(validate).toThrow(
      expect.objectContaining({ path, message: expect.stringContaining(path === '' ? '(root)' : path) }),
    );
  });

  it('rejects JSON text that does not parse', () => {
    expect(() => parseEventPattern('{"source": [')).toThrow(InvalidEventPatternError);
  });

  it('accepts every documented operator form', () => {
    const pattern = {
      a: ['x', 1, true, null, { prefix: 'p' }, { prefix: { 'equals-ignore-case': 'P' } }, { suffix: 's' }],
      b: [
        { 'equals-ignore-case': 'e' },
        { wildcard: 'w*' },
        { 'anything-but': 'x' },
        { 'anything-but': [1, 2] },
      ],
      c: [{ 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }],
      d: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }, { 'anything-but': { wildcard: '*x' } }],
      e: [
        { numeric: ['>', 0, '<=', 5] },
        { numeric: ['=', 3.018e2] },
        { exists: false },
        { cidr: '10.0.0.0/24' },
      ],
      $or: [{ f: ['1'] }, { g: { h: ['2'] } }],
    };
    expect(validateEventPattern(pattern)).toBe(pattern);
  });
});

// --- properties --------------------------------------------------------------------------------------

const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
// No dots: a dotted key is another path to the same field (covered in event-ruler-cases.unit.spec.ts).
const key = fc
  .string({ minLength: 1, maxLength: 6 })
  .filter((k) => k !== '$or' && k !== '__proto__' && !k.includes('.'));
const { event: eventArbitrary } = fc.letrec((tie) => ({
  event: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(scalar, { minLength: 1, maxLength: 3 }),
    tie('event'),
  ),
}));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A pattern that names every leaf of `event` with one of its own values. */
function patternFromLeaves(event: Record<string, Json>): Record<string, unknown> {
  const pattern: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event)) {
    if (Array.isArray(value)) pattern[field] = [value[value.length - 1]];
    else if (value !== null && typeof value === 'object') {
      // Empty objects are not allowed in a pattern; an empty event object has no leaf to name.
      const nested = patternFromLeaves(value);
      if (Object.keys(nested).length > 0) pattern[field] = nested;
    } else pattern[field] = [value];
  }
  return pattern;
}

describe('Properties: event patterns', () => {
  it('an event matches a pattern built from its own leaf values', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const typed = event as Record<string, Json>;
        const pattern = patternFromLeaves(typed);
        fc.pre(Object.keys(pattern).length > 0);
        expect(compileEventPattern(pattern).matches(typed)).toBe(true);
      }),
    );
  });

  it('anything-but its own scalar value never matches, and exists:false never matches a present scalar', () => {
    fc.assert(
      fc.property(key, fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), (field, value) => {
        const event = { [field]: value };
        expect(matchesEventPattern({ [field]: [{ 'anything-but': value }] }, event)).toBe(false);
        expect(matchesEventPattern({ [field]: [{ exists: false }] }, event)).toBe(false);
        expect(matchesEventPattern({ [field]: [{ exists: true }] }, event)).toBe(true);
      }),
    );
  });

  it('arbitrary JSON either compiles or fails with InvalidEventPatternError, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (pattern, event) => {
        let compiled: ReturnType<typeof compileEventPattern> | undefined;
        try {
          compiled = compileEventPattern(pattern);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventPatternError);
          return;
        }
        expect(typeof compiled.matches(event)).toBe('boolean');
      }),
    );
  });
});
