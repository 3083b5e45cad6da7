import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConsoleAssets } from '../../adapters/console/console-assets.js';
import { ConsoleGate } from '../console/console-gate.js';
import { send } from '../console/console-reply.js';
import { activeJobsFragment, jobAction, jobsPage } from '../console/jobs-page.js';
import { SignInPages } from '../console/sign-in-page.js';
import { staticFile } from '../console/static-files.js';

/** The web console's frame: sign-in, company switch, static files and the Jobs page (docs/console.md). */
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly gate: ConsoleGate,
    private readonly signIn: SignInPages,
    private readonly assets: ConsoleAssets,
  ) {}

  @Get()
  home(@Res() res: Response): void {
    res.redirect(303, '/console/jobs');
  }

  @Get('static/:name')
  static(@Req() req: Request, @Param('name') name: string, @Res() res: Response): void {
    send(res, staticFile(this.assets, name, req.headers['if-none-match']));
  }

  @Get('sign-in')
  async signInForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.signIn.form(this.gate.requestOf(req)));
  }

  @Post('sign-in')
  async signInPost(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.signIn.signIn(this.gate.requestOf(req)));
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.change(this.gate.requestOf(req), undefined, () => this.signIn.signOut(this.gate.requestOf(req))));
  }

  @Post('company')
  async company(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.change(this.gate.requestOf(req), undefined, (s) => this.signIn.switchCompany(s)));
  }

  @Get('jobs')
  async jobs(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'jobs', jobsPage));
  }

  @Get('jobs/active')
  async activeJobs(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.readPart(this.gate.requestOf(req), 'jobs', activeJobsFragment));
  }

  @Post('jobs/:jobHandle/:action')
  async jobAction(@Req() req: Request, @Param('jobHandle') jobHandle: string, @Param('action') action: string, @Res() res: Response): Promise<void> {
    send(res, await this.gate.change(this.gate.requestOf(req), 'jobs', (s) => jobAction(s, jobHandle, action)));
  }
}
