import { describe, expect, it } from 'vitest';
import { MAX_IS_QUERY_LENGTH, parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import { faultOf, rgb } from '../support/is-query.js';

describe('parseIsQuery: names, syntax and comments', () => {
  it('command names are case-insensitive', () => {
    expect(parseIsQuery('WID=10&Hei=20&BGCOLOR=0,0,0&OP_USM=1&op_USMr=2&FMT=png&ResMode=bilin')).toEqual({
      wid: 10,
      hei: 20,
      bgColor: rgb(0, 0, 0),
      usm: { amount: 2, radius: 0, threshold: 0, monochrome: false, absoluteRadius: true },
      fmt: { format: 'png' },
      resMode: 'bilin',
    });
  });

  it('accepts a leading ? or &, and ignores empty segments and comments', () => {
    expect(parseIsQuery('?wid=10&&.a comment, with = signs&hei=20&')).toEqual({ wid: 10, hei: 20 });
    expect(parseIsQuery('&.only=comment&wid=5')).toEqual({ wid: 5 });
  });

  it('a later occurrence of a command overrides an earlier one', () => {
    expect(parseIsQuery('wid=100&wid=200').wid).toBe(200);
    // only the winning occurrence is read
    expect(parseIsQuery('wid=abc&wid=200').wid).toBe(200);
  });

  it('faults on a command IS does not have, naming it as written', () => {
    const fault = faultOf(() => parseIsQuery('wid=10&Frobnicate=1'));
    expect(fault.command).toBe('Frobnicate');
    expect(fault.message).toBe('Frobnicate: unknown command');
  });

  it.each(['layer=1', 'res=72', 'anchor=0,0', 'op_noise=10', 'op_colorize=0,0,0', 'opac=50', 'color=0,0,0', 'defaultImage=x', 'jpegSize=100', 'TEXT=x'])(
    'refuses the IS command %s as not supported, in IS spelling',
    (query) => {
      const fault = faultOf(() => parseIsQuery(query));
      const written = query.slice(0, query.indexOf('='));
      expect(fault.command.toLowerCase()).toBe(written.toLowerCase());
      expect(fault.detail).toBe('is not supported by this server');
    },
  );

  it('names the refused command in IS spelling', () => {
    expect(faultOf(() => parseIsQuery('DEFAULTIMAGE=x')).message).toBe('defaultImage: is not supported by this server');
  });

  it('accepts and ignores cache, id, dpr=off, pscan, xmpEmbed=0, pathEmbed=0 and req=img', () => {
    expect(parseIsQuery('cache=off&cache=on,validate&id=1234&dpr=off&pscan=auto&pscan=3&xmpEmbed=0&pathEmbed=0&req=img&wid=5')).toEqual({ wid: 5 });
  });

  it('reads req=props and req=exists (any case, last one wins), and req=img as the default', () => {
    expect(parseIsQuery('req=props&wid=5')).toEqual({ req: 'props', wid: 5 });
    expect(parseIsQuery('REQ=Exists')).toEqual({ req: 'exists' });
    expect(parseIsQuery('req=props&req=img')).toEqual({});
    expect(parseIsQuery('$info$&req=exists', { macro: (n) => (n.toLowerCase() === 'info' ? 'req=props' : undefined) })).toEqual({ req: 'exists' });
  });

  it.each([
    ['req=tmb', "req: expected one of img|props|exists, received 'tmb'"],
    ['req', "req: expected one of img|props|exists, received ''"],
    ['dpr=on,2', "dpr: value 'on,2' is not supported by this server (only dpr=off)"],
    ['xmpEmbed=1', "xmpEmbed: value '1' is not supported by this server (only xmpEmbed=0)"],
    ['pathEmbed=1', "pathEmbed: value '1' is not supported by this server (only pathEmbed=0)"],
    ['pscan=6', "pscan: expected one of auto|3|4|5, received '6'"],
    ['cache=sometimes', "cache: expected one of on|off|validate|update, received 'sometimes'"],
  ])('%s faults', (query, message) => {
    expect(faultOf(() => parseIsQuery(query)).message).toBe(message);
  });

  it('faults on a malformed percent escape, naming the command', () => {
    expect(faultOf(() => parseIsQuery('icc=abc%zz')).message).toBe("icc: expected a percent-encoded UTF-8 value, received 'abc%zz'");
    expect(faultOf(() => parseIsQuery('wid=%')).command).toBe('wid');
  });

  it('faults on a segment with an empty command name', () => {
    expect(faultOf(() => parseIsQuery('=5')).message).toBe("request: expected a command name before '=', received '=5'");
  });

  it(`faults on a query longer than MAX_IS_QUERY_LENGTH (${MAX_IS_QUERY_LENGTH})`, () => {
    const filler = `.${'x'.repeat(MAX_IS_QUERY_LENGTH)}`;
    const fault = faultOf(() => parseIsQuery(`wid=1&${filler}`));
    expect(fault.command).toBe('request');
    expect(fault.detail).toBe(`expected a query of at most 16384 characters, received ${MAX_IS_QUERY_LENGTH + 7}`);
    // exactly at the limit is fine
    expect(parseIsQuery(`wid=1&.${'x'.repeat(MAX_IS_QUERY_LENGTH - 7)}`)).toEqual({ wid: 1 });
  });
});

describe('bounded work', () => {
  it('parses a long hostile value in linear time', () => {
    const digits = '1'.repeat(MAX_IS_QUERY_LENGTH - 10);
    const started = performance.now();
    expect(faultOf(() => parseIsQuery(`scl=${digits}x`)).command).toBe('scl');
    expect(faultOf(() => parseIsQuery(`icc=${'$'.repeat(MAX_IS_QUERY_LENGTH - 10)}&wid=0`)).command).toBe('wid');
    expect(performance.now() - started).toBeLessThan(500);
  });
});
