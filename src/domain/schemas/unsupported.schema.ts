import { refused } from './common.schema.js';

/**
 * IPS job fields whose feature this server does not have, refused with the
 * reason whatever their value (issue: nothing accepted and ignored). Shared
 * by ReprocessAssetsJob, the upload jobs and AutomatedSetGenerationJob so
 * every job element says the same thing about the same field. The fault
 * reads "<field>: expected <this text>, received …".
 */
export const unsupportedJobFields = {
  // In IPS's XSD only, on none of Adobe's pages; its meaning cannot be honoured without knowing it.
  synchronizationComplete: refused('no synchronizationComplete (an undocumented IPS flag; this server has nothing that waits for a synchronisation)'),
  overwriteAVS: refused('no overwriteAVS (this server builds no adaptive video sets, so there is none to overwrite)'),
  excludeMasterVideoFromAVS: refused('no excludeMasterVideoFromAVS (this server builds no adaptive video sets; IPS ended their support in 2022)'),
  // Adobe IMS credentials IPS used to call Adobe services (smart crop). A credential is never kept, echoed or logged.
  jwtToken: refused('no jwtToken (this server calls no Adobe IMS service; the value was not kept)'),
  imsOrg: refused('no imsOrg (this server calls no Adobe IMS service; the value was not kept)'),
  apikey: refused('no apikey (this server calls no Adobe IMS service; the value was not kept)'),
  ignoreSmartCropGeneration: refused('no ignoreSmartCropGeneration (this server generates no smart crops, as autoSmartCropOptionsArray is not supported)'),
  preserveSmartCrop: refused('no preserveSmartCrop (this server generates no smart crops, so there are none to preserve)'),
} as const;
