/** An XML element as the reader keeps it: namespace URI, local name, own text, child elements. */
export interface XmlNode {
  ns: string;
  local: string;
  text: string;
  /** xsi:nil="true": the element stands for an absent value */
  nil: boolean;
  children: XmlNode[];
}
