import { Controller, Get } from '@nestjs/common';

@Controller()
export class HealthController {
  /** Liveness: the process answers HTTP. */
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}
