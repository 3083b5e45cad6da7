import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { JobLogService } from '../../services/job-log.service.js';
import { JobService } from '../../services/job.service.js';
import type { Principal } from '../../services/principal.js';
import { Caller, IpsOperation, ParamOf } from '../ips-operation.decorator.js';
import type { OperationParam } from '../operations.js';

@Controller('api')
export class JobController {
  constructor(
    private readonly jobs: JobService,
    private readonly jobLogs: JobLogService,
  ) {}

  @Post('submitJob')
  @HttpCode(200)
  @IpsOperation('submitJob')
  submitJob(@Caller() caller: Principal, @ParamOf('submitJob') p: OperationParam<'submitJob'>) {
    return this.jobs.submit(caller, p);
  }

  @Post('getActiveJobs')
  @HttpCode(200)
  @IpsOperation('getActiveJobs')
  getActiveJobs(@Caller() caller: Principal, @ParamOf('getActiveJobs') p: OperationParam<'getActiveJobs'>) {
    return this.jobs.getActiveJobs(caller, p);
  }

  @Post('getScheduledJobs')
  @HttpCode(200)
  @IpsOperation('getScheduledJobs')
  getScheduledJobs(@Caller() caller: Principal, @ParamOf('getScheduledJobs') p: OperationParam<'getScheduledJobs'>) {
    return this.jobs.getScheduledJobs(caller, p);
  }

  @Post('stopJob')
  @HttpCode(200)
  @IpsOperation('stopJob')
  stopJob(@Caller() caller: Principal, @ParamOf('stopJob') p: OperationParam<'stopJob'>) {
    return this.jobs.stop(caller, p);
  }

  @Post('pauseJob')
  @HttpCode(200)
  @IpsOperation('pauseJob')
  pauseJob(@Caller() caller: Principal, @ParamOf('pauseJob') p: OperationParam<'pauseJob'>) {
    return this.jobs.pause(caller, p);
  }

  @Post('resumeJob')
  @HttpCode(200)
  @IpsOperation('resumeJob')
  resumeJob(@Caller() caller: Principal, @ParamOf('resumeJob') p: OperationParam<'resumeJob'>) {
    return this.jobs.resume(caller, p);
  }

  @Post('executeJob')
  @HttpCode(200)
  @IpsOperation('executeJob')
  executeJob(@Caller() caller: Principal, @ParamOf('executeJob') p: OperationParam<'executeJob'>) {
    return this.jobs.execute(caller, p);
  }

  @Post('deleteJob')
  @HttpCode(200)
  @IpsOperation('deleteJob')
  deleteJob(@Caller() caller: Principal, @ParamOf('deleteJob') p: OperationParam<'deleteJob'>) {
    return this.jobs.delete(caller, p);
  }

  @Post('getJobLogs')
  @HttpCode(200)
  @IpsOperation('getJobLogs')
  getJobLogs(@Caller() caller: Principal, @ParamOf('getJobLogs') p: OperationParam<'getJobLogs'>) {
    return this.jobLogs.getJobLogs(caller, p);
  }

  @Post('getJobLogDetails')
  @HttpCode(200)
  @IpsOperation('getJobLogDetails')
  getJobLogDetails(@ParamOf('getJobLogDetails') p: OperationParam<'getJobLogDetails'>, @Headers('accept-language') lang?: string) {
    return this.jobLogs.getJobLogDetails(p, lang);
  }

  @Post('getAssetJobLogs')
  @HttpCode(200)
  @IpsOperation('getAssetJobLogs')
  getAssetJobLogs(@ParamOf('getAssetJobLogs') p: OperationParam<'getAssetJobLogs'>, @Headers('accept-language') lang?: string) {
    return this.jobLogs.getAssetJobLogs(p, lang);
  }
}
