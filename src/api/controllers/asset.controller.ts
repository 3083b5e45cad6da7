import { Controller, HttpCode, Post } from '@nestjs/common';
import { AssetService } from '../../services/asset.service.js';
import type { Principal } from '../../services/principal.js';
import { Caller, IpsOperation, ParamOf } from '../ips-operation.decorator.js';
import type { OperationParam } from '../operations.js';

@Controller('api')
export class AssetController {
  constructor(private readonly assets: AssetService) {}

  @Post('searchAssets')
  @HttpCode(200)
  @IpsOperation('searchAssets')
  searchAssets(@ParamOf('searchAssets') p: OperationParam<'searchAssets'>) {
    return this.assets.searchAssets(p);
  }

  @Post('getAssets')
  @HttpCode(200)
  @IpsOperation('getAssets')
  getAssets(@ParamOf('getAssets') p: OperationParam<'getAssets'>) {
    return this.assets.getAssets(p);
  }

  @Post('setAssetPublishState')
  @HttpCode(200)
  @IpsOperation('setAssetPublishState')
  setAssetPublishState(@Caller() caller: Principal, @ParamOf('setAssetPublishState') p: OperationParam<'setAssetPublishState'>) {
    return this.assets.setAssetPublishState(caller, p);
  }
}
