import { describe, expect, it } from 'vitest';
import { MAX_IS_EXPANDED_LENGTH, expandIsQuery, parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import { faultOf, macros, rgb } from '../support/is-query.js';

describe('variables', () => {
  it('defines and substitutes, case-insensitively', () => {
    expect(parseIsQuery('$w=200&wid=$w$')).toEqual({ wid: 200 });
    expect(parseIsQuery('$Size=120&wid=$SIZE$&hei=$size$')).toEqual({ wid: 120, hei: 120 });
    expect(parseIsQuery('$c=255,0,0&bgc=$c$').bgc).toEqual(rgb(255, 0, 0));
  });

  it('substitutes inside a value, several times', () => {
    expect(expandIsQuery('$a=1&$b=2&icc=p$a$$b$x$a$')).toEqual([{ name: 'icc', value: 'p12x1' }]);
  });

  it('leaves unknown references, lone $ and references before the definition literal', () => {
    expect(expandIsQuery('icc=$x$&id=a$b&id=$w$&$w=1')).toEqual([
      { name: 'icc', value: '$x$' },
      { name: 'id', value: 'a$b' },
      { name: 'id', value: '$w$' },
    ]);
    expect(faultOf(() => parseIsQuery('wid=$x$')).message).toBe("wid: expected an integer > 0, received '$x$'");
  });

  it('does not nest: a definition is stored as written and substituted text is not rescanned', () => {
    expect(expandIsQuery('$a=A&$b=[$a$]&icc=$b$')).toEqual([{ name: 'icc', value: '[$a$]' }]);
  });

  it('decodes the value once after substitution, and %24 is a literal $', () => {
    expect(expandIsQuery('$c=255%2C0&bgc=$c$%2C0')).toEqual([{ name: 'bgc', value: '255,0,0' }]);
    expect(expandIsQuery('$w=9&icc=%24w%24')).toEqual([{ name: 'icc', value: '$w$' }]);
  });

  it('takes predefined variables such as $object$ as plain text', () => {
    const ctx = { variables: { object: 'folder/50%off' } };
    expect(expandIsQuery('icc=$OBJECT$', ctx)).toEqual([{ name: 'icc', value: 'folder/50%off' }]);
    expect(expandIsQuery('$object=mine&icc=$object$', ctx)).toEqual([{ name: 'icc', value: 'mine' }]);
  });

  it('faults on an invalid variable name', () => {
    expect(faultOf(() => parseIsQuery('$a b=1')).message).toBe("$a b: expected a variable name of ASCII letters, digits, '-', '_' or '.'");
  });

  it('caps the growth of substitutions', () => {
    const long = 'x'.repeat(10_000);
    const fault = faultOf(() => expandIsQuery(`$v=${long}&icc=${'$v$'.repeat(10)}`));
    expect(fault.command).toBe('icc');
    expect(fault.detail).toBe(`expanded request exceeds ${MAX_IS_EXPANDED_LENGTH} characters`);
  });
});

describe('macros (image presets)', () => {
  const ctx = macros({
    view: 'wid=240&fmt=jpeg&qlt=85&op_usm=5,2&bgc=200,200,200&align=-1,-1',
    thumb: '$view$&wid=80&hei=80',
    sized: 'wid=$w$&hei=$w$',
    a: 'wid=1&$b$',
    b: '$c$',
    c: '$A$',
    bad: 'qlt=750',
    // a variable defined inside a macro is visible after it
    setvar: '$w=64',
  });

  it('expands in place (what req=resolve shows)', () => {
    expect(expandIsQuery('hei=10&$view$&.note&wid=480', ctx)).toEqual([
      { name: 'hei', value: '10' },
      { name: 'wid', value: '240' },
      { name: 'fmt', value: 'jpeg' },
      { name: 'qlt', value: '85' },
      { name: 'op_usm', value: '5,2' },
      { name: 'bgc', value: '200,200,200' },
      { name: 'align', value: '-1,-1' },
      { name: 'wid', value: '480' },
    ]);
  });

  it('a command before the macro is overridden by the macro', () => {
    expect(parseIsQuery('wid=480&$view$', ctx).wid).toBe(240);
  });

  it('a command after the macro overrides it', () => {
    const request = parseIsQuery('$view$&wid=480', ctx);
    expect(request).toEqual({
      wid: 480,
      fmt: { format: 'jpeg' },
      qlt: { quality: 85, chroma: false },
      usm: { amount: 5, radius: 2, threshold: 0, monochrome: false, absoluteRadius: false },
      bgc: rgb(200, 200, 200),
      align: { h: -1, v: -1 },
    });
  });

  it('macro names are passed to the caller as written (the caller matches case-insensitively)', () => {
    const asked: string[] = [];
    const macro = (name: string) => {
      asked.push(name);
      return 'wid=1';
    };
    parseIsQuery('$VIEW$', { macro });
    expect(asked).toEqual(['VIEW']);
  });

  it('expands nested macros', () => {
    expect(parseIsQuery('$thumb$', ctx)).toMatchObject({ wid: 80, hei: 80, qlt: { quality: 85, chroma: false } });
  });

  it('takes its arguments from variables defined before it, and can define variables', () => {
    expect(parseIsQuery('$w=300&$sized$', ctx)).toEqual({ wid: 300, hei: 300 });
    expect(parseIsQuery('$setvar$&$sized$', ctx)).toEqual({ wid: 64, hei: 64 });
  });

  it('a bad value in a macro is harmless when the request overrides it', () => {
    expect(parseIsQuery('$bad$&qlt=80', ctx).qlt).toEqual({ quality: 80, chroma: false });
    expect(faultOf(() => parseIsQuery('qlt=80&$bad$', ctx)).command).toBe('qlt');
  });

  it('faults on a cycle, naming the macro that closes it', () => {
    const fault = faultOf(() => parseIsQuery('$a$', ctx));
    expect(fault.command).toBe('$A$');
    expect(fault.detail).toBe('macro invokes itself ($a$ → $b$ → $c$ → $a$)');
  });

  it('faults on a self-invoking macro', () => {
    expect(faultOf(() => parseIsQuery('$loop$', macros({ loop: 'wid=1&$loop$' }))).message).toBe('$loop$: macro invokes itself ($loop$ → $loop$)');
  });

  it('allows 8 levels of nesting and faults on the 9th', () => {
    const chain = (levels: number) => {
      const table: Record<string, string> = {};
      for (let i = 1; i < levels; i++) table[`m${i}`] = `$m${i + 1}$`;
      table[`m${levels}`] = 'wid=1';
      return macros(table);
    };
    expect(parseIsQuery('$m1$', chain(8))).toEqual({ wid: 1 });
    expect(faultOf(() => parseIsQuery('$m1$', chain(9))).message).toBe('$m9$: macros nested more than 8 levels deep');
  });

  it('faults on an unknown macro, and without a macro source', () => {
    expect(faultOf(() => parseIsQuery('wid=1&$nope$', ctx)).message).toBe("$nope$: no image preset (macro) named 'nope'");
    expect(faultOf(() => parseIsQuery('$view$')).message).toBe("$view$: no image preset (macro) named 'view'");
  });

  it('faults on a $ segment that is neither a macro nor a variable definition', () => {
    expect(faultOf(() => parseIsQuery('$view')).message).toBe('$view: expected a macro invocation $name$ or a variable definition $name=value');
    expect(faultOf(() => parseIsQuery('$a b$')).command).toBe('$a b$');
  });

  it('caps the expanded size, so fan-out presets do bounded work', () => {
    const fanOut: Record<string, string> = { leaf: `.${'x'.repeat(500)}` };
    for (let level = 1; level <= 6; level++)
      fanOut[`l${level}`] = Array(20)
        .fill(`$${level === 1 ? 'leaf' : `l${level - 1}`}$`)
        .join('&');
    const fault = faultOf(() => parseIsQuery('$l6$', macros(fanOut)));
    expect(fault.detail).toBe(`expanded request exceeds ${MAX_IS_EXPANDED_LENGTH} characters`);
    expect(fault.command).toMatch(/^\$(leaf|l\d)\$$/);
  });
});
