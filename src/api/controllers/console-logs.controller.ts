import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConsoleGate } from '../console/console-gate.js';
import { send } from '../console/console-reply.js';
import { logDetailPage } from '../console/logs-page-detail.js';
import { logsPage } from '../console/logs-page.js';

/** The console's Job logs section: the company's logs, and one job's entries (docs/console.md). */
@Controller('console')
export class ConsoleLogsController {
  constructor(private readonly gate: ConsoleGate) {}

  @Get('logs')
  async logs(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'logs', logsPage));
  }

  @Get('logs/:jobHandle')
  async log(@Req() req: Request, @Param('jobHandle') jobHandle: string, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'logs', (s) => logDetailPage(s, jobHandle)));
  }
}
