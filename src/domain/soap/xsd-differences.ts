/**
 * Where this server's schemas and an IPS XSD version knowingly differ, so a
 * difference nobody decided on fails test/unit/xsd-agreement.test.ts.
 *
 * NOT_IN_XSD: fields our schemas have that a known version's type lacks
 * (`<XSD type>.<element>`): elements of a later IPS namespace (the 2017–2022
 * XSDs add them; a request in such a namespace may
 * send them) or our own extensions. A SOAP reply in a version leaves out what
 * that version's type does not declare.
 */
export type NotInXsd = { later: string } | { extension: string };

export const NOT_IN_XSD: Readonly<Record<string, NotInXsd>> = {
  'ActiveJob.triggerTime': { later: '2014-04-03' },
  'AutomatedSetGenerationJob.synchronizationComplete': { later: 'a later IPS namespace' },
  'Company.imsOrgId': { later: '2014-04-03' },
  'setUserInfoParam.isIpsAdmin': { later: '2014-04-03' },
  'CreateVideoSitemapJob.emailSetting': { extension: 'taken as the other publish jobs take it' },
  'CreateVideoSitemapJob.httpCompletionUrl': { extension: 'taken as the other publish jobs take it' },
  'CreateVideoSitemapJob.landingPageUrl': { extension: "the page embedding each video (DMC's Landing Page setting)" },
  'JobLogDetail.dateCreated': { later: '2014-04-03' },
  'MetadataField.isEnforced': { later: '2014-04-03' },
  'createMetadataFieldParam.isEnforced': { later: '2014-04-03' },
  'updateMetadataFieldParam.isEnforced': { later: '2014-04-03' },
  'SearchFilter.strictSubTypeCheck': { later: '2014-04-03' },
  'MediaOptions.avsEncodingArray': { later: 'a later IPS namespace' },
  'MediaOptions.cmafConformance': { later: 'a later IPS namespace' },
  'MediaOptions.videoEncodingArray': { later: 'a later IPS namespace' },
  'MediaOptions.videoSmartCropArray': { later: 'a later IPS namespace' },
  'MediaOptions.videoSmartCropSampleRate': { later: 'a later IPS namespace' },
  'MetadataPublishJob.emailSetting': { extension: 'taken as the other publish jobs take it' },
  'MetadataPublishJob.httpCompletionUrl': { extension: 'taken as the other publish jobs take it' },
  'ReprocessAssetsJob.apikey': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.autoSmartCropOptionsArray': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.cssOptions': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.excludeMasterVideoFromAVS': { later: '2014-04-03' },
  'ReprocessAssetsJob.ignoreSmartCropGeneration': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.imsOrg': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.jwtToken': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.metadataOptions': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.overwriteAVS': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.preserveSmartCrop': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.synchronizationComplete': { later: 'a later IPS namespace' },
  'ReprocessAssetsJob.unsharpMaskOptions': { later: '2014-04-03' },
  'RipPdfsJob.autoSmartCropOptionsArray': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.apikey': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.autoSmartCropOptionsArray': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.cssOptions': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.excludeMasterVideoFromAVS': { later: '2014-04-03' },
  'UploadDirectoryJob.ignoreSmartCropGeneration': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.imsOrg': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.jwtToken': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.metadataOptions': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.preserveSmartCrop': { later: 'a later IPS namespace' },
  'UploadDirectoryJob.synchronizationComplete': { later: 'a later IPS namespace' },
  'UploadUrlsJob.apikey': { later: 'a later IPS namespace' },
  'UploadUrlsJob.audioCaptionsMetadata': { later: 'a later IPS namespace' },
  'UploadUrlsJob.autoSmartCropOptionsArray': { later: 'a later IPS namespace' },
  'UploadUrlsJob.cssOptions': { later: 'a later IPS namespace' },
  'UploadUrlsJob.excludeMasterVideoFromAVS': { later: '2014-04-03' },
  'UploadUrlsJob.ignoreSmartCropGeneration': { later: 'a later IPS namespace' },
  'UploadUrlsJob.imsOrg': { later: 'a later IPS namespace' },
  'UploadUrlsJob.jwtToken': { later: 'a later IPS namespace' },
  'UploadUrlsJob.metadataOptions': { later: 'a later IPS namespace' },
  'UploadUrlsJob.preserveSmartCrop': { later: 'a later IPS namespace' },
  'UploadUrlsJob.sourceVideoAssetHandle': { later: 'a later IPS namespace' },
  'UploadUrlsJob.synchronizationComplete': { later: 'a later IPS namespace' },
  'UploadUrlsJob.xmpKeywords': { later: '2014-04-03' },
  'User.defaultRole': { later: 'a later IPS namespace' },
  'User.isIpsAdmin': { later: '2014-04-03' },
  'User.role': { extension: "the user's role in the company asked about" },
  'VideoInfo.audioCodec': { extension: 'probed video facts' },
  'VideoInfo.bitrate': { extension: 'probed video facts' },
  'VideoInfo.durationMs': { extension: 'probed video facts' },
  'VideoInfo.frameRate': { extension: 'probed video facts' },
  'VideoInfo.height': { extension: 'probed video facts' },
  'VideoInfo.videoCodec': { extension: 'probed video facts' },
  'VideoInfo.width': { extension: 'probed video facts' },
  'addCompanyParam.addOnStorage': { later: 'a later IPS namespace' },
  'addCompanyParam.baseStorage': { later: 'a later IPS namespace' },
  'addCompanyParam.caseCreationAllowed': { later: 'a later IPS namespace' },
  'addCompanyParam.cloudStorage': { later: 'a later IPS namespace' },
  'addCompanyParam.companyDMVersion': { later: 'a later IPS namespace' },
  'addCompanyParam.imsOrgId': { later: '2014-04-03' },
  'addCompanyParam.mediaSupport': { later: 'a later IPS namespace' },
  'addCompanyParam.pvmPerMillion': { later: 'a later IPS namespace' },
  'addCompanyParam.pvmPerThousand': { later: 'a later IPS namespace' },
  'addCompanyParam.roleAssignmentAllowed': { later: 'a later IPS namespace' },
  'addCompanyParam.vpm': { later: 'a later IPS namespace' },
  'addUserParam.isIpsAdmin': { later: '2014-04-03' },
  'getActiveJobsParam.includeWaitingJobs': { later: '2014-04-03' },
  'getCompanyInfoParam.imsOrgId': { later: '2014-04-03' },};

/**
 * Required elements (minOccurs 1) of reply types that this server has no
 * value for. Inventing one would be a false answer, so the served WSDL does
 * not declare them and replies leave them out (clients reading our WSDL, and
 * JAXB/.NET/zeep stubs from IPS's, which do not enforce minOccurs on replies,
 * accept that).
 */
export const REQUIRED_WITHOUT_VALUE: Readonly<Record<string, string>> = {
  'CompanySettings.defaultSourceProfile': 'no default colour profiles per company',
  'CompanySettings.defaultDisplayProfile': 'no default colour profiles per company',
  'CompanySettings.diskSpaceWarningMin': 'no disk-space warnings',
};

/** Operations of ours that no IPS version has (extensions, served over JSON). */
export const EXTENSION_OPERATIONS: readonly string[] = ['getCallbackSecret', 'saveSetGenerationScript', 'getSetGenerationScripts', 'deleteSetGenerationScript'];
