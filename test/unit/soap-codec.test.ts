import { describe, expect, it } from 'vitest';
import { readXml } from '../../src/adapters/xml/xml-reader.js';
import { OPERATIONS } from '../../src/api/operations.js';
import { soapContract } from '../../src/api/soap/soap-contract.js';
import { decodeParam, encodeElement, escapeText, lexical } from '../../src/domain/soap/soap-codec.js';
import { XSD_VERSIONS } from '../../src/domain/soap/xsd-versions.js';
import { parseInput } from '../../src/domain/validate.js';
import { parseXml, type XmlElement } from '../support/xml.js';

const NS = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const contract = soapContract(XSD_VERSIONS['2014-04-03']!);

function decode(op: keyof typeof OPERATIONS, inner: string) {
  return decodeParam(readXml(`<${op}Param xmlns="${NS}">${inner}</${op}Param>`), OPERATIONS[op].param);
}

describe('SOAP request → the object a JSON request would be', () => {
  it('types values by the schema: ints, doubles, booleans (true/1), *Array items, nested options', () => {
    const body = decode(
      'submitJob',
      `<companyHandle>c|1</companyHandle><jobName>j</jobName>
       <reprocessAssetsJob>
         <assetHandleArray><items>a|1</items><items>a|2</items></assetHandleArray>
         <createMask>1</createMask><preserveCrop>false</preserveCrop>
         <knockoutBackgroundOptions><corner>UpperLeft</corner><tolerance>0.25</tolerance><fillMethod>FloodFill</fillMethod></knockoutBackgroundOptions>
         <emailSetting>None</emailSetting>
         <unsharpMaskOptions><amount>1.5</amount><radius>2</radius><threshold>6</threshold><monochrome>0</monochrome></unsharpMaskOptions>
       </reprocessAssetsJob>`,
    );
    const json = {
      companyHandle: 'c|1',
      jobName: 'j',
      reprocessAssetsJob: {
        assetHandleArray: { items: ['a|1', 'a|2'] },
        createMask: true,
        preserveCrop: false,
        knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.25, fillMethod: 'FloodFill' },
        emailSetting: 'None',
        unsharpMaskOptions: { amount: 1.5, radius: 2, threshold: 6, monochrome: 0 },
      },
    };
    expect(body).toEqual(json);
    expect(parseInput(OPERATIONS.submitJob.param, body)).toEqual(parseInput(OPERATIONS.submitJob.param, json));
  });

  it('reads an empty *Array as no items, xsi:nil as absent, and keeps string whitespace', () => {
    const body = decode(
      'getJobLogDetails',
      `<companyHandle> c|1 </companyHandle><jobHandle xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/><logTypeArray/><recordsPerPage> 10 </recordsPerPage>`,
    );
    expect(body).toEqual({ companyHandle: ' c|1 ', logTypeArray: {}, recordsPerPage: 10 });
  });

  it('keeps what the schema does not know, so validation names it (30001), and leaves bad lexical forms to validation', () => {
    const unknown = decode('getCompanyInfo', '<companyHandle>c|1</companyHandle><bogus><x>1</x></bogus>');
    expect(unknown).toEqual({ companyHandle: 'c|1', bogus: { x: '1' } });
    expect(() => parseInput(OPERATIONS.getCompanyInfo.param, unknown)).toThrow(/bogus: unknown field/);
    const badNumber = decode('getJobLogDetails', '<companyHandle>c|1</companyHandle><recordsPerPage>ten</recordsPerPage>');
    expect(() => parseInput(OPERATIONS.getJobLogDetails.param, badNumber)).toThrow(/recordsPerPage: expected .*received/);
    const badBoolean = decode('searchAssets', '<companyHandle>c|1</companyHandle><includeSubfolders>yes</includeSubfolders>');
    expect(badBoolean.includeSubfolders).toBe('yes');
  });
});

describe('a reply → XML in the version’s order and lexical forms', () => {
  const result = contract.operations.get('getActiveJobs')!.result;

  it('writes children in the declared order whatever the object’s key order, doubles with a decimal point, dates as given', () => {
    const job = {
      progressMessage: 'Optimizing files',
      jobHandle: 'j|1',
      companyHandle: 'c|1',
      name: 'n',
      originalName: 'n',
      type: 'ReprocessAssets',
      state: 'Running',
      submitUserEmail: 'u@x.test',
      serverName: 's',
      startDate: '2020-06-11T19:28:16.720Z',
      totalSize: 0,
      progress: 40,
      lastProgressUpdate: '2020-06-11T19:28:17.000Z',
      taskProgressArray: { items: [] },
      reprocessAssetsJob: {
        assetHandleArray: { items: ['a|1'] },
        createMask: false,
        emailSetting: 'None',
        unsharpMaskOptions: { amount: 72, radius: 0.5, threshold: 6, monochrome: 0 },
      },
    };
    const xml = encodeElement('getActiveJobsReturn', NS, { jobArray: { items: [job] } }, result);
    const root = parseXml(xml);
    expect(root.uri).toBe(NS);
    const item = root.children[0]!.children[0]!;
    const names = item.children.map((c) => c.local);
    const declared = contract.types
      .get('ActiveJob')!
      .elements.map((e) => e.name)
      .filter((n) => names.includes(n));
    expect(names).toEqual(declared);
    expect(names.indexOf('companyHandle')).toBe(0);
    const text = (el: XmlElement, name: string) => el.children.find((c) => c.local === name)!;
    expect(text(item, 'taskProgressArray').children).toEqual([]);
    expect(xml).toContain('<taskProgressArray/>');
    const usm = text(text(item, 'reprocessAssetsJob'), 'unsharpMaskOptions');
    expect(text(usm, 'amount').text).toBe('72.0');
    expect(text(usm, 'radius').text).toBe('0.5');
    expect(text(usm, 'threshold').text).toBe('6');
    expect(text(item, 'startDate').text).toBe('2020-06-11T19:28:16.720Z');
  });

  it('leaves absent optional values out and writes an empty array as an empty element', () => {
    expect(encodeElement('getActiveJobsReturn', NS, { jobArray: { items: [] } }, result)).toBe(
      `<getActiveJobsReturn xmlns="${NS}"><jobArray/></getActiveJobsReturn>`,
    );
    expect(encodeElement('stopJobReturn', NS, {}, contract.operations.get('stopJob')!.result)).toBe(`<stopJobReturn xmlns="${NS}"/>`);
  });

  it('writes XSD lexical forms', () => {
    expect(lexical(true, 'boolean')).toBe('true');
    expect(lexical(false, 'boolean')).toBe('false');
    expect(lexical(3, 'double')).toBe('3.0');
    expect(lexical(1e-7, 'double')).toBe('1e-7');
    expect(lexical(Infinity, 'double')).toBe('INF');
    expect(lexical(7.9, 'int')).toBe('7');
    expect(lexical(new Date('2020-01-02T03:04:05.000Z'), 'dateTime')).toBe('2020-01-02T03:04:05.000Z');
  });

  it('escapes markup and replaces what XML 1.0 cannot carry, so a stored name never breaks a reply', () => {
    expect(escapeText('a<b>&c\r')).toBe('a&lt;b&gt;&amp;c&#13;');
    expect(escapeText('x\u0001y\uD800z')).toBe('x\uFFFDy\uFFFDz');
    expect(escapeText('😀')).toBe('😀');
    const xml = encodeElement(
      'getCompanyInfoReturn',
      NS,
      { companyInfo: { companyHandle: 'c|1', name: 'A & B <\u0002>', rootPath: 'x/' } },
      contract.operations.get('getCompanyInfo')!.result,
    );
    expect(parseXml(xml).children[0]!.children[1]!.text).toBe('A & B <\uFFFD>');
  });

  it('writes non-ASCII text as UTF-8 and grows past its first buffer (the byte writer)', () => {
    const names = ['Café', 'Ünïcødé & <tags>', 'emoji 😀 end', 'x'.repeat(70_000)];
    const result = contract.operations.get('getCompanyInfo')!.result;
    for (const name of names) {
      const xml = encodeElement('getCompanyInfoReturn', NS, { companyInfo: { companyHandle: 'c|1', name, rootPath: 'x/' } }, result);
      expect(parseXml(xml).children[0]!.children[1]!.text).toBe(name);
    }
  });
});
