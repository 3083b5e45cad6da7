import { Controller, HttpCode, Post } from '@nestjs/common';
import { AccountService } from '../../services/account.service.js';
import type { Principal } from '../../services/principal.js';
import { Caller, IpsOperation, ParamOf } from '../ips-operation.decorator.js';
import type { OperationParam } from '../operations.js';

@Controller('api')
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Post('checkLogin')
  @HttpCode(200)
  @IpsOperation('checkLogin')
  checkLogin(@ParamOf('checkLogin') p: OperationParam<'checkLogin'>) {
    return this.accounts.checkLogin(p);
  }

  @Post('addCompany')
  @HttpCode(200)
  @IpsOperation('addCompany')
  addCompany(@Caller() caller: Principal, @ParamOf('addCompany') p: OperationParam<'addCompany'>) {
    return this.accounts.addCompany(caller, p);
  }

  @Post('getCompanyInfo')
  @HttpCode(200)
  @IpsOperation('getCompanyInfo')
  getCompanyInfo(@Caller() caller: Principal, @ParamOf('getCompanyInfo') p: OperationParam<'getCompanyInfo'>) {
    return this.accounts.getCompanyInfo(caller, p);
  }

  @Post('getAllCompanies')
  @HttpCode(200)
  @IpsOperation('getAllCompanies')
  getAllCompanies(@Caller() caller: Principal, @ParamOf('getAllCompanies') p: OperationParam<'getAllCompanies'>) {
    return this.accounts.getAllCompanies(caller, p);
  }

  @Post('addUser')
  @HttpCode(200)
  @IpsOperation('addUser')
  addUser(@Caller() caller: Principal, @ParamOf('addUser') p: OperationParam<'addUser'>) {
    return this.accounts.addUser(caller, p);
  }

  @Post('getUsers')
  @HttpCode(200)
  @IpsOperation('getUsers')
  getUsers(@Caller() caller: Principal, @ParamOf('getUsers') p: OperationParam<'getUsers'>) {
    return this.accounts.getUsers(caller, p);
  }

  @Post('getCallbackSecret')
  @HttpCode(200)
  @IpsOperation('getCallbackSecret')
  getCallbackSecret(@ParamOf('getCallbackSecret') p: OperationParam<'getCallbackSecret'>) {
    return this.accounts.getCallbackSecret(p);
  }

  @Post('getCompanySettings')
  @HttpCode(200)
  @IpsOperation('getCompanySettings')
  getCompanySettings(@ParamOf('getCompanySettings') p: OperationParam<'getCompanySettings'>) {
    return this.accounts.getCompanySettings(p);
  }

  @Post('setCompanySettings')
  @HttpCode(200)
  @IpsOperation('setCompanySettings')
  setCompanySettings(@ParamOf('setCompanySettings') p: OperationParam<'setCompanySettings'>) {
    return this.accounts.setCompanySettings(p);
  }

  @Post('setPassword')
  @HttpCode(200)
  @IpsOperation('setPassword')
  setPassword(@Caller() caller: Principal, @ParamOf('setPassword') p: OperationParam<'setPassword'>) {
    return this.accounts.setPassword(caller, p);
  }
}
