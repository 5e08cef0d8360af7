// @infra/mail/ses: Amazon SES API v2 SendEmail (POST /v2/email/outbound-emails), signed with SigV4 by the AWS
// SDK's own signer (@smithy/signature-v4, an optional peer). The message goes as Raw MIME written by this package,
// so headers, inline images and attachments need no mapping; the envelope recipients go in Destination.
import type { SignatureV4 as SignatureV4Type } from '@smithy/signature-v4';
import { check, invalidOption, MailError } from '../errors.ts';
import type { OutgoingMessage } from '../message.ts';
import { mimeText } from '../mime.ts';
import type { SendContext, Transport, TransportResult } from '../transport.ts';
import { base, type ProviderOptions, request } from './http.ts';
import { Sha256 } from './sha256.ts';

/** AWS credentials (from your environment or role; never logged). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link sesTransport}. */
export interface SesTransportOptions extends ProviderOptions {
  /** e.g. 'eu-west-1'. */
  region: string;
  /** Credentials, or a function returning fresh ones (a role's temporary credentials). */
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** SES configuration set for event publishing. @default undefined */
  configurationSet?: string;
}

/** A transport over Amazon SES API v2. */
export function sesTransport(options: SesTransportOptions): Transport {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', 'must be { region, credentials }');
  const region = check.string(options.region, 'region');
  if (!/^[a-z0-9-]+$/.test(region))
    throw invalidOption('region', `must be an AWS region, got ${JSON.stringify(region)}`);
  const credentials = options.credentials;
  if (typeof credentials !== 'function' && typeof credentials?.accessKeyId !== 'string') {
    throw invalidOption('credentials', 'must be { accessKeyId, secretAccessKey } or a function returning them');
  }
  const name = check.string(options.name, 'name', 'ses');
  const url = new URL(base(options.baseUrl, `https://email.${region}.amazonaws.com`));
  // @smithy/signature-v4 is an optional peer, loaded on first use: importing this module never needs it.
  let signer: Promise<SignatureV4Type> | undefined;
  const load = () => {
    signer ??= import('@smithy/signature-v4').then(
      ({ SignatureV4 }) =>
        new SignatureV4({
          service: 'ses',
          region,
          credentials: typeof credentials === 'function' ? credentials : async () => credentials,
          sha256: Sha256,
        }),
      (error: unknown) => {
        signer = undefined;
        throw new MailError(
          'ERR_MAIL_INVALID_OPTION',
          'sesTransport needs the optional peer dependency "@smithy/signature-v4" (pnpm add @smithy/signature-v4)',
          { cause: error },
        );
      },
    );
    return signer;
  };

  const signed = async (method: 'GET' | 'POST', path: string, body: string | undefined, signal: AbortSignal) => {
    const headers: Record<string, string> = { host: url.host };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request_ = await (await load()).sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const { host: _host, ...sent } = request_.headers;
    return request(name, `${url.origin}${path}`, {
      method,
      headers: sent,
      ...(body === undefined ? {} : { body }),
      signal,
    });
  };

  return {
    name,
    async send(message: OutgoingMessage, context: SendContext): Promise<TransportResult> {
      if (context.signal.aborted) throw context.signal.reason;
      const raw = Buffer.from(await mimeText(message)).toString('base64');
      const body: Record<string, unknown> = {
        FromEmailAddress: message.envelope.from,
        Destination: { ToAddresses: [...message.envelope.to] },
        Content: { Raw: { Data: raw } },
      };
      if (options.configurationSet !== undefined) body.ConfigurationSetName = options.configurationSet;
      const response = await signed('POST', '/v2/email/outbound-emails', JSON.stringify(body), context.signal);
      const answer = response.body as { MessageId?: string } | undefined;
      return { messageId: answer?.MessageId ?? message.messageId, accepted: [...message.envelope.to], rejected: [] };
    },
    async verify() {
      await signed('GET', '/v2/email/account', undefined, AbortSignal.timeout(30_000));
    },
    close: async () => {},
  };
}
