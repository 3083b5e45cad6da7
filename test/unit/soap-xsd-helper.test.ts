import { describe, expect, it } from 'vitest';
import { assertValidAgainstServedXsd, validateAgainstServedXsd } from '../support/soap-xsd.js';

/**
 * The xmllint helper the SOAP tests validate replies with, against a small
 * hand-written WSDL shaped like the served one: a versioned schema that imports
 * the unversioned one, QName prefixes declared only on the WSDL root.
 */
const V = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const U = 'http://www.scene7.com/IpsApi/xsd';
const BETA = 'http://www.scene7.com/IpsApi/xsd/2019-09-10-beta';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const wsdl = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="${V}" xmlns:ips="${U}" targetNamespace="${V}">
  <wsdl:types>
    <xsd:schema targetNamespace="${V}" elementFormDefault="qualified">
      <xsd:import namespace="${U}"/>
      <xsd:complexType name="FooReturn">
        <xsd:sequence>
          <xsd:element name="a" type="xsd:int"/>
          <xsd:element name="b" type="xsd:string"/>
          <xsd:element name="c" type="ips:Code" minOccurs="0"/>
        </xsd:sequence>
      </xsd:complexType>
      <xsd:element name="fooReturn" type="tns:FooReturn"/>
    </xsd:schema>
    <xsd:schema targetNamespace="${U}" elementFormDefault="qualified">
      <xsd:simpleType name="Code"><xsd:restriction base="xsd:int"/></xsd:simpleType>
      <xsd:element name="ipsApiFault">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="code" type="ips:Code"/>
            <xsd:element name="reason" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>
</wsdl:definitions>`;

/** A SOAP 1.1 reply whose payload prefix is declared on the Envelope only. */
const envelope = (body: string, ns = V) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11}" xmlns:ns1="${ns}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const fault11 = (detail: string) =>
  envelope(`<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>IpsApiException</faultstring><detail>${detail}</detail></soapenv:Fault>`);

describe('validateAgainstServedXsd', () => {
  it('passes a valid reply envelope, the imported unversioned type included', () => {
    expect(validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:a>12</ns1:a><ns1:b>x</ns1:b><ns1:c>7</ns1:c></ns1:fooReturn>'))).toMatchObject({
      ok: true,
      errors: '',
    });
  });

  it('passes a bare (POX) reply element', () => {
    expect(validateAgainstServedXsd(wsdl, `<fooReturn xmlns="${V}"><a>1</a><b/></fooReturn>`)).toMatchObject({ ok: true, errors: '' });
  });

  it('fails children out of sequence order', () => {
    const result = validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:b>x</ns1:b><ns1:a>12</ns1:a></ns1:fooReturn>'));
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(`Element '{${V}}b': This element is not expected`);
  });

  it('fails a value of the wrong type', () => {
    const result = validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:a>twelve</ns1:a><ns1:b>x</ns1:b></ns1:fooReturn>'));
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(`Element '{${V}}a': 'twelve' is not a valid value`);
  });

  it('validates a SOAP 1.1 fault by its unversioned detail entry', () => {
    const detail = (code: string) => `<ips:ipsApiFault xmlns:ips="${U}"><ips:code>${code}</ips:code><ips:reason>bad</ips:reason></ips:ipsApiFault>`;
    expect(validateAgainstServedXsd(wsdl, fault11(detail('30001')))).toMatchObject({ ok: true, errors: '' });
    const wrong = validateAgainstServedXsd(wsdl, fault11(detail('none')));
    expect(wrong.ok).toBe(false);
    expect(wrong.errors).toContain(`Element '{${U}}code'`);
  });

  it('validates a SOAP 1.2 fault by its env:Detail entry', () => {
    const reply = `<env:Envelope xmlns:env="${SOAP12}"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang="en">IpsApiException</env:Text></env:Reason><env:Detail><ipsApiFault xmlns="${U}"><code>1</code><reason>r</reason></ipsApiFault></env:Detail></env:Fault></env:Body></env:Envelope>`;
    expect(validateAgainstServedXsd(wsdl, reply)).toMatchObject({ ok: true, errors: '' });
  });

  it('validates a reply in an undeclared versioned namespace against the versioned schema', () => {
    expect(validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:a>1</ns1:a><ns1:b>x</ns1:b></ns1:fooReturn>', BETA))).toMatchObject({
      ok: true,
      errors: '',
    });
    const result = validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:b>x</ns1:b><ns1:a>1</ns1:a></ns1:fooReturn>', BETA));
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(`Element '{${BETA}}b': This element is not expected`);
  });

  it('fails a payload in a namespace no schema serves', () => {
    const result = validateAgainstServedXsd(wsdl, '<fooReturn xmlns="urn:other"><a>1</a><b/></fooReturn>');
    expect(result).toMatchObject({ ok: false, errors: expect.stringContaining('urn:other') });
  });

  it('fails an envelope whose Body holds more than one element, and a fault without detail', () => {
    expect(validateAgainstServedXsd(wsdl, envelope('<ns1:fooReturn/><ns1:fooReturn/>')).ok).toBe(false);
    expect(
      validateAgainstServedXsd(wsdl, envelope(`<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>x</faultstring></soapenv:Fault>`)).ok,
    ).toBe(false);
  });
});

describe('assertValidAgainstServedXsd', () => {
  it("throws with xmllint's message", () => {
    expect(() => assertValidAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:b>x</ns1:b></ns1:fooReturn>'))).toThrow(
      /Element '\{[^}]+\}b': This element is not expected/,
    );
    expect(() => assertValidAgainstServedXsd(wsdl, envelope('<ns1:fooReturn><ns1:a>1</ns1:a><ns1:b>x</ns1:b></ns1:fooReturn>'))).not.toThrow();
  });
});
