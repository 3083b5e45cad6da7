import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConsoleGate } from '../console/console-gate.js';
import { send } from '../console/console-reply.js';
import { submitPage, submitPost } from '../console/submit-page.js';

/** The console's Submit page: a form per job type that runs submitJob as the signed-in user (docs/console.md). */
@Controller('console')
export class ConsoleSubmitController {
  constructor(private readonly gate: ConsoleGate) {}

  @Get('submit')
  async form(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'submit', submitPage));
  }

  @Post('submit')
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.change(this.gate.requestOf(req), 'submit', submitPost));
  }
}
