import { z } from 'zod';
import { EMAIL_SETTINGS } from './common.schema.js';
import { callbackUrl } from './job.schema.js';

/** The placeholder a landing-page template carries; each video's name goes there, URL-encoded. */
export const LANDING_PAGE_NAME = '{name}';

/** The URL a landing-page template gives for one video. */
export function landingPageFor(template: string, videoName: string): string {
  return template.replaceAll(LANDING_PAGE_NAME, encodeURIComponent(videoName));
}

/**
 * A landing page per video: DMC takes it from its Video SEO settings, which
 * this server does not have, so the job carries it. Checked as the URL it
 * becomes for a sample name, since `{` `}` are not URL characters themselves.
 */
const landingPageUrl = z
  .string()
  .max(2048)
  .refine((t) => t.includes(LANDING_PAGE_NAME), { message: `a URL template containing ${LANDING_PAGE_NAME} (each video gets its own landing page)` })
  .refine(
    (t) => {
      const filled = landingPageFor(t, 'video');
      if (!URL.canParse(filled)) return false;
      const url = new URL(filled);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    },
    { message: 'an http:// or https:// URL template without user name or password' },
  );

/**
 * CreateVideoSitemapJob (Adobe IPS: data-types/r-create-video-sitemap-job; XSD: forceUpdate only). IPS
 * generates the sitemap when the company's sitemap configuration says so and
 * always with forceUpdate; this server has no such configuration, so without
 * forceUpdate the job writes the sitemap only when it would differ from the
 * last one (or that one is gone), and with forceUpdate it always rewrites it.
 * emailSetting and httpCompletionUrl are taken as every other publish job
 * takes them (optional, so an XSD-shaped request is accepted as it is), and
 * landingPageUrl (an extension) supplies DMC's "Landing Page" setting.
 */
export const createVideoSitemapJob = z.strictObject({
  forceUpdate: z.boolean().optional(),
  emailSetting: z.enum(EMAIL_SETTINGS).optional(),
  httpCompletionUrl: callbackUrl.optional(),
  landingPageUrl: landingPageUrl.optional(),
});
export type CreateVideoSitemapJob = z.output<typeof createVideoSitemapJob>;
