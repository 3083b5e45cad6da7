/** One element of a type as this server declares and writes it over SOAP. */
export interface SoapElementDef {
  name: string;
  /** an XSD simple type (`string`, `int`, …) or the name of a complex type */
  type: string;
  minOccurs: number;
  /** -1 = unbounded */
  maxOccurs: number;
  /** the complex type, when `type` names one */
  complex?: SoapTypeDef;
}

export interface SoapTypeDef {
  name: string;
  group: 'seq' | 'all' | 'choice';
  elements: SoapElementDef[];
}

export interface SoapOperationDef<N extends string = string> {
  name: N;
  param: SoapTypeDef;
  result: SoapTypeDef;
}
