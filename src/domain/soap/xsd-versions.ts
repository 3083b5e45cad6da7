import { XSD_2013_02_15 } from './xsd-2013-02-15.js';
import { XSD_2014_04_03 } from './xsd-2014-04-03.js';
import type { XsdVersion } from './xsd-model.js';

/** The IPS API versions whose element order this server knows, oldest first. */
export const XSD_VERSIONS: Readonly<Record<string, XsdVersion>> = {
  '2013-02-15': XSD_2013_02_15,
  '2014-04-03': XSD_2014_04_03,
};

/** The newest known version: its order serves namespaces it does not know (later IPS versions add elements at the end). */
export const LATEST_XSD_VERSION = '2014-04-03';
