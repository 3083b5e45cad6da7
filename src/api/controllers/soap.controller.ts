import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { SoapService, type SoapReply } from '../soap/soap.service.js';

/** IPS's SOAP endpoint, AEM's POX endpoint and the WSDLs clients generate their stubs from. */
@Controller('scene7')
export class SoapController {
  constructor(private readonly soap: SoapService) {}

  @Post('services/IpsApiService')
  async soapCall(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.soap.handle(req, false));
  }

  @Post('api/IpsApiService')
  async poxCall(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.soap.handle(req, true));
  }

  @Get('webservice/:file')
  @HttpCode(200)
  wsdl(@Param('file') file: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): void {
    res.type('text/xml; charset=UTF-8').send(this.soap.wsdl(file, query, origin(req)));
  }

  /** `…/IpsApiService?wsdl`, the Axis convention some tools try first: the latest WSDL. */
  @Get('services/IpsApiService')
  serviceWsdl(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): void {
    if (!Object.hasOwn(query, 'wsdl')) throw new IpsFault(FaultCode.InvalidRequest, 'POST SOAP requests here; GET ?wsdl for the WSDL');
    res.type('text/xml; charset=UTF-8').send(this.soap.wsdl('IpsApi.wsdl', {}, origin(req)));
  }
}

/** Where the client reached us (scheme and host of this request), for the WSDL's address when PUBLIC_URL is not set. */
function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function send(res: Response, reply: SoapReply): void {
  res.status(reply.status).setHeader('Content-Type', reply.contentType);
  if (reply.gzipped) res.setHeader('Content-Encoding', 'gzip');
  if (reply.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(reply.retryAfterSeconds));
  res.end(reply.body);
}
